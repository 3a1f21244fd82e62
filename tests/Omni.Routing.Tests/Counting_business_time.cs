using Omni.Routing.Queues;
using Xunit;

namespace Omni.Routing.Tests;

/// <summary>SLA clocks of a queue open Monday to Friday 09:00–17:00 in Amsterdam: they run only while it is open.</summary>
public sealed class Counting_business_time
{
    private static readonly TimeZoneInfo Amsterdam = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");

    private static BusinessCalendar OfficeHours(params DateOnly[] holidays) => new(new BusinessHours
    {
        TimeZone = "Europe/Amsterdam",
        Days = [.. new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
            .Select(day => new OpeningHours(day, new TimeOnly(9, 0), new TimeOnly(17, 0)))],
        Holidays = [.. holidays],
    });

    /// <summary>An Amsterdam wall-clock time as an instant.</summary>
    private static DateTimeOffset Local(int year, int month, int day, int hour, int minute = 0)
    {
        var local = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Amsterdam.GetUtcOffset(local));
    }

    [Fact]
    public void Counts_a_target_that_outlasts_the_day_on_into_the_next_morning()
    {
        // Monday 16:00: one hour left today, the second hour Tuesday from 09:00.
        var due = OfficeHours().AddBusinessTime(Local(2026, 11, 23, 16), TimeSpan.FromHours(2));

        Assert.Equal(Local(2026, 11, 24, 10), due);
    }

    [Fact]
    public void Finishes_the_same_day_when_the_target_fits()
    {
        var due = OfficeHours().AddBusinessTime(Local(2026, 11, 24, 9, 30), TimeSpan.FromMinutes(5));

        Assert.Equal(Local(2026, 11, 24, 9, 35), due);
    }

    [Fact]
    public void Pauses_over_the_weekend()
    {
        // Friday 16:30: half an hour on Friday, half an hour on Monday.
        var due = OfficeHours().AddBusinessTime(Local(2026, 11, 27, 16, 30), TimeSpan.FromHours(1));

        Assert.Equal(Local(2026, 11, 30, 9, 30), due);
    }

    [Fact]
    public void Starts_counting_at_opening_when_the_clock_starts_while_closed()
    {
        var due = OfficeHours().AddBusinessTime(Local(2026, 11, 28, 14), TimeSpan.FromMinutes(5));

        Assert.Equal(Local(2026, 11, 30, 9, 5), due);
    }

    [Fact]
    public void Pauses_on_a_holiday()
    {
        // Thursday 24 December 16:00; Christmas Day (Friday) is a holiday and then comes the weekend.
        var due = OfficeHours(new DateOnly(2026, 12, 25)).AddBusinessTime(Local(2026, 12, 24, 16), TimeSpan.FromHours(2));

        Assert.Equal(Local(2026, 12, 28, 10), due);
    }

    [Fact]
    public void Keeps_office_hours_in_local_time_across_the_autumn_clock_change()
    {
        // Friday 23 October in summer time (UTC+2); the clocks go back on Sunday 25th; Monday is UTC+1.
        var start = Local(2026, 10, 23, 16);
        Assert.Equal(TimeSpan.FromHours(2), start.Offset);

        var due = OfficeHours().AddBusinessTime(start, TimeSpan.FromHours(2))!.Value;

        Assert.Equal(Local(2026, 10, 26, 10), due);
        Assert.Equal(new DateTimeOffset(2026, 10, 26, 9, 0, 0, TimeSpan.Zero), due.ToUniversalTime());
    }

    [Fact]
    public void Keeps_office_hours_in_local_time_across_the_spring_clock_change()
    {
        // Friday 27 March in winter time (UTC+1); the clocks go forward on Sunday 29th; Monday is UTC+2.
        var due = OfficeHours().AddBusinessTime(Local(2026, 3, 27, 16), TimeSpan.FromHours(2))!.Value;

        Assert.Equal(new DateTimeOffset(2026, 3, 30, 8, 0, 0, TimeSpan.Zero), due.ToUniversalTime());
    }

    [Fact]
    public void Counts_the_real_length_of_an_opening_on_the_night_the_clocks_go_forward()
    {
        // Open 00:00–06:00 on Sundays: on 29 March 2026 the hour from 02:00 does not exist, so that night is five hours long.
        var night = new BusinessCalendar(new BusinessHours
        {
            TimeZone = "Europe/Amsterdam",
            Days = [new OpeningHours(DayOfWeek.Sunday, new TimeOnly(0, 0), new TimeOnly(6, 0))],
        });
        var opening = Local(2026, 3, 29, 0);

        Assert.Equal(TimeSpan.FromHours(5), night.BusinessTimeBetween(opening, Local(2026, 3, 29, 12)));
        Assert.Equal(Local(2026, 3, 29, 6), night.AddBusinessTime(opening, TimeSpan.FromHours(5)));
    }

    [Fact]
    public void Measures_how_long_a_clock_ran_counting_open_time_only()
    {
        // Friday 16:00 to Monday 10:00: one hour on Friday, one on Monday.
        var ran = OfficeHours().BusinessTimeBetween(Local(2026, 11, 27, 16), Local(2026, 11, 30, 10));

        Assert.Equal(TimeSpan.FromHours(2), ran);
    }

    [Fact]
    public void Tells_whether_the_queue_is_open_at_an_instant()
    {
        var calendar = OfficeHours(new DateOnly(2026, 12, 25));

        Assert.True(calendar.IsOpen(Local(2026, 12, 24, 9)));
        Assert.False(calendar.IsOpen(Local(2026, 12, 24, 17)));
        Assert.False(calendar.IsOpen(Local(2026, 12, 24, 8, 59)));
        Assert.False(calendar.IsOpen(Local(2026, 12, 25, 12)));
        Assert.False(calendar.IsOpen(Local(2026, 12, 26, 12)));
    }

    [Fact]
    public void Runs_the_clock_around_the_clock_for_a_queue_without_opening_hours()
    {
        var calendar = new BusinessCalendar(new BusinessHours());
        var start = Local(2026, 11, 28, 23);

        Assert.True(calendar.IsOpen(start));
        Assert.Equal(start.AddHours(2), calendar.AddBusinessTime(start, TimeSpan.FromHours(2)));
    }

    [Fact]
    public void Closes_only_on_its_holidays_a_queue_without_opening_hours()
    {
        var calendar = new BusinessCalendar(new BusinessHours { TimeZone = "Europe/Amsterdam", Holidays = [new DateOnly(2026, 12, 25)] });

        Assert.True(calendar.IsOpen(Local(2026, 12, 24, 12)));
        Assert.False(calendar.IsOpen(Local(2026, 12, 25, 12)));
        Assert.True(calendar.IsOpen(Local(2026, 12, 26, 0, 30)));
        // Thursday 23:00 plus two hours: one hour before midnight, the second after Christmas Day.
        Assert.Equal(Local(2026, 12, 26, 1), calendar.AddBusinessTime(Local(2026, 12, 24, 23), TimeSpan.FromHours(2)));
    }

    [Fact]
    public void Knows_iana_time_zones_and_refuses_made_up_ones()
    {
        Assert.True(BusinessCalendar.IsKnownZone("Europe/Amsterdam"));
        Assert.True(BusinessCalendar.IsKnownZone("America/New_York"));
        Assert.False(BusinessCalendar.IsKnownZone("Europe/Atlantis"));
    }
}
