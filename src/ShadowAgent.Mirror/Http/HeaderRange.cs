namespace ShadowAgent.Mirror.Http;

/// <summary>Where one header's name and (trimmed) value sit in the head's buffer.</summary>
internal readonly record struct HeaderRange(int NameStart, int NameLength, int ValueStart, int ValueLength, int LineStart, int LineLength);
