using DeployFreeze;

return FreezeCheck.Run(args, Environment.GetEnvironmentVariable, DateTimeOffset.UtcNow, Console.Out, Console.Error);
