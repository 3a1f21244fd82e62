using Microsoft.Extensions.Configuration;

namespace Omni.AppHost.Infrastructure;

/// <summary>
/// The AppHost runs every service, the servers and the orchestrator on one machine, where they share its cores.
/// .NET's defaults assume a process has the machine to itself: server GC keeps a heap and a collector thread per core
/// in every process, and idle thread-pool threads spin before they sleep. Measured on 2 cores with five services under
/// load (README, "Performance"), both burn the CPU the requests need; so services started here use workstation GC and
/// no thread-pool spinning. A deployment that gives a service its own machine leaves these at .NET's defaults.
/// </summary>
internal static class SharedMachine
{
    public static IResourceBuilder<ProjectResource> WithSharedMachineRuntime(this IResourceBuilder<ProjectResource> project) =>
        project.ApplicationBuilder.Configuration.GetValue("Omni:SharedMachineRuntime", true)
            ? project
                .WithEnvironment("DOTNET_gcServer", "0")
                .WithEnvironment("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit", "0")
            : project;
}
