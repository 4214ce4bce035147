using PaymentCtl;

return await CliApp.RunAsync(args, Console.Out, Console.Error);
