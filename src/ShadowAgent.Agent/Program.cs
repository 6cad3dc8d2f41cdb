using ShadowAgent.Agent;
using ShadowAgent.Agent.Hosting;

StartClock.Mark();
return await AgentProgram.RunAsync(args);
