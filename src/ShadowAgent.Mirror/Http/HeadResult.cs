namespace ShadowAgent.Mirror.Http;

internal enum HeadResult
{
    /// <summary>More bytes are needed.</summary>
    Incomplete,

    Parsed,

    /// <summary>The head is longer than allowed (answered 431 for requests).</summary>
    TooLarge,

    /// <summary>Not a well-formed HTTP/1.x head, or framing the proxy refuses (answered 400 for requests).</summary>
    Malformed,
}
