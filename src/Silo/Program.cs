// The silo host; the development cluster and the HTTP API arrive with issue 5's remaining work.
Console.Error.WriteLine("synod silo: not wired yet (issue 5 in progress).");
return 1;
