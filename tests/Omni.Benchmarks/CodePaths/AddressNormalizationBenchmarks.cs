using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using Omni.Identity.Customers;

namespace Omni.Benchmarks.CodePaths;

/// <summary>
/// Normalising a sender's address runs for every inbound message. Baseline: the cheapest normalisation there is
/// (trim + lower-case), so the ratios say what E.164 parsing and e-mail validation cost on top.
/// </summary>
[MemoryDiagnoser]
public class AddressNormalizationBenchmarks
{
    private readonly AddressNormalizer _normalizer = new(Options.Create(new IdentityOptions { DefaultRegion = "NL" }));

    [Benchmark(Baseline = true)]
    public string TrimAndLowerCase() => "  Jan.Jansen@Example.NL ".Trim().ToLowerInvariant();

    [Benchmark]
    public string Email() => _normalizer.Normalize(IdentityKind.Email, "  Jan.Jansen@Example.NL ");

    [Benchmark]
    public string DutchMobileWrittenLocally() => _normalizer.Normalize(IdentityKind.Phone, "06-12345678");

    [Benchmark]
    public string DutchMobileWrittenInternationally() => _normalizer.Normalize(IdentityKind.Phone, "+31 6 1234 5678");
}
