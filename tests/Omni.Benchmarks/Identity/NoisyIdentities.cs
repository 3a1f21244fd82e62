namespace Omni.Benchmarks.Identity;

/// <summary>One way a customer wrote one of their addresses, with the truth about whose it is.</summary>
public sealed record Observation(string Kind, string Written, int TruePerson, string TrueAddress);

/// <summary>
/// A reproducible data set of customers whose phone numbers and e-mail addresses arrive written the many ways people
/// and providers write them: national and international formats, spaces, dashes, brackets, 00 prefixes, upper case,
/// stray spaces, display names. Some people share a first and last name (different addresses), some have numbers in
/// Belgium or Germany. Ground truth: an observation belongs to the person whose (kind, true address) it was made from.
/// </summary>
public static class NoisyIdentities
{
    private static readonly string[] FirstNames = ["jan", "piet", "anna", "sanne", "mohammed", "emma", "daan", "lotte", "sem", "julia", "noah", "eva", "finn", "tess", "lucas", "mila"];
    private static readonly string[] LastNames = ["jansen", "de vries", "van dijk", "bakker", "visser", "smit", "meijer", "de boer", "mulder", "bos", "peters", "hendriks"];
    private static readonly string[] Domains = ["gmail.com", "hotmail.com", "outlook.com", "ziggo.nl", "kpnmail.nl", "example.nl", "telenet.be", "web.de"];

    public static List<Observation> Generate(int people, int seed = 20261125)
    {
        var random = new Random(seed);
        var observations = new List<Observation>();
        var usedPhones = new HashSet<string>();
        var usedEmails = new HashSet<string>();
        for (var person = 0; person < people; person++)
        {
            var first = FirstNames[random.Next(FirstNames.Length)];
            var last = LastNames[random.Next(LastNames.Length)];

            string email;
            do
            {
                var local = random.Next(4) switch
                {
                    0 => $"{first}.{last.Replace(" ", "")}",
                    1 => $"{first[0]}{last.Replace(" ", "")}",
                    2 => $"{first}{random.Next(1, 99)}",
                    _ => $"{first}.{last.Replace(" ", ".")}{random.Next(100)}",
                };
                email = $"{local}@{Domains[random.Next(Domains.Length)]}";
            } while (!usedEmails.Add(email));

            string e164;
            do
            {
                // Numbers that exist: Dutch mobiles 06-1…5 and 06-8, Belgian 046…049, German 0151.
                e164 = random.Next(10) switch
                {
                    < 8 => "+316" + "123458"[random.Next(6)] + random.Next(1_000_000, 10_000_000),
                    8 => "+324" + random.Next(6, 10) + random.Next(1_000_000, 10_000_000),
                    _ => "+49151" + random.Next(10_000_000, 100_000_000),
                };
            } while (!usedPhones.Add(e164));

            var writings = 2 + random.Next(3);
            for (var i = 0; i < writings; i++)
            {
                observations.Add(new Observation("phone", WritePhone(e164, random), person, e164));
                observations.Add(new Observation("email", WriteEmail(email, first, last, random), person, email));
            }
        }
        return observations;
    }

    private static string WritePhone(string e164, Random random)
    {
        var country = e164[1..3];
        var national = e164[3..];
        if (country == "31")
        {
            var subscriber = national[1..];                          // 8 digits after the 6
            return random.Next(8) switch
            {
                0 => $"06-{subscriber}",
                1 => $"06 {subscriber[..4]} {subscriber[4..]}",
                2 => $"+31 6 {subscriber[..4]} {subscriber[4..]}",
                3 => $"0031{national}",
                4 => $"+31 (0)6 {subscriber}",
                5 => $"(06) {subscriber[..2]} {subscriber[2..4]} {subscriber[4..6]} {subscriber[6..]}",
                6 => $" +31{national} ",
                _ => $"06{subscriber}",
            };
        }
        // Foreign numbers arrive in international form: without the country nothing could tell them apart.
        return random.Next(3) switch
        {
            0 => $"+{country} {national[..3]} {national[3..]}",
            1 => $"00{country}{national}",
            _ => $"+{country}{national}",
        };
    }

    private static string WriteEmail(string email, string first, string last, Random random) => random.Next(6) switch
    {
        0 => email.ToUpperInvariant(),
        1 => $"  {email} ",
        2 => char.ToUpperInvariant(email[0]) + email[1..],
        3 => $"{Capitalize(first)} {Capitalize(last)} <{email}>",
        4 => email[..email.IndexOf('@')] + email[email.IndexOf('@')..].ToUpperInvariant(),
        _ => email,
    };

    private static string Capitalize(string word) => char.ToUpperInvariant(word[0]) + word[1..];
}
