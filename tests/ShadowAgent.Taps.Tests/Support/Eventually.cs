namespace ShadowAgent.Taps.Tests.Support;

internal static class Eventually
{
    /// <summary>Polls a condition until it holds; fails the test at the deadline.</summary>
    public static async Task HoldsAsync(Func<bool> condition, string what, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(5);
        }
    }
}
