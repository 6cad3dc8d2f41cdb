using System.Buffers;
using System.Text;
using ShadowAgent.Mirror.Http;

namespace ShadowAgent.Mirror.Tests.Http;

public sealed class ChunkedWalkerTests
{
    private const string Body = "5\r\nhello\r\nA;name=value\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n";

    [Fact]
    public void Walk_EverySplitPoint_FindsTheEndAndDecodesTheData()
    {
        var bytes = Encoding.ASCII.GetBytes(Body + "NEXT");
        for (var split = 0; split <= Body.Length; split++)
        {
            var walker = default(ChunkedWalker);
            walker.Reset();
            var decoded = new List<byte>();
            var pending = new List<byte>(bytes[..split]);
            var fed = split;
            long relayed = 0;
            while (!walker.IsDone)
            {
                var buffer = new ReadOnlySequence<byte>(pending.ToArray());
                Assert.True(walker.Walk(buffer, out var consumed, d => decoded.AddRange(d.ToArray())));
                var used = (int)buffer.Slice(0, consumed).Length;
                relayed += used;
                pending.RemoveRange(0, used);
                if (!walker.IsDone)
                {
                    Assert.True(fed < bytes.Length, $"split {split}: the walk needs bytes past the body");
                    pending.Add(bytes[fed++]);
                }
            }

            Assert.Equal(Body.Length, relayed);
            Assert.Equal("hello0123456789", Encoding.ASCII.GetString(decoded.ToArray()));
        }
    }

    [Theory]
    [InlineData("zz\r\nhello\r\n")]
    [InlineData("5\r\nhelloXX")]
    [InlineData("5\nhello\r\n")]
    [InlineData("10000000000000000\r\n")]
    [InlineData("0\r\nbad-trailer\n")]
    public void Walk_BrokenFraming_Refused(string body)
    {
        var walker = default(ChunkedWalker);
        walker.Reset();

        Assert.False(walker.Walk(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(body)), out _, null));
    }
}
