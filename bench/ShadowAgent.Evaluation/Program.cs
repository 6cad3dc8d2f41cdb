using ShadowAgent.Evaluation;

return EvaluationProgram.Run(args);
