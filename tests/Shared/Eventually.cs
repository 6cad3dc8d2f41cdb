namespace ShadowAgent.Testing;

/// <summary>Awaits a condition with a deadline; fails the test with a description when it does not hold in time.</summary>
internal static class Eventually
{
    public static async Task Until(Func<bool> condition, string what, TimeSpan? timeout = null, Action? eachRound = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            eachRound?.Invoke();
            await Task.Delay(5);
        }
    }
}
