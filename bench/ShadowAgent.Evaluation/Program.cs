using ShadowAgent.Evaluation;
using ShadowAgent.Evaluation.Forecasting;

return args.Length > 0 && args[0] == "forecast" ? ForecastEvaluation.Run(args[1..]) : EvaluationProgram.Run(args);
