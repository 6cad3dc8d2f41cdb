using ShadowAgent.Core.Profiles;

namespace ShadowAgent.Features.Windowing;

/// <summary>What has been harvested for one window of one stream and waits for that window to close.</summary>
internal sealed class WindowSlot
{
    public WindowSlot(int numericFields)
    {
        Numeric = new NumericSummary[numericFields];
        Array.Fill(Numeric, NumericSummary.Empty);
    }

    public VolumeCounters Volume;

    public NumericSummary[] Numeric { get; }

    public void Merge(in VolumeCounters volume, ReadOnlySpan<NumericSummary> numeric)
    {
        Volume.Add(volume);
        for (var i = 0; i < numeric.Length; i++)
        {
            Numeric[i].Merge(numeric[i]);
        }
    }
}
