namespace ShadowAgent.Features.Schema;

public enum SchemaDriftKind
{
    /// <summary>A field the baseline never had.</summary>
    FieldAppeared,

    /// <summary>A field the baseline had in at least the common share of records is absent from a whole window.</summary>
    FieldDisappeared,

    /// <summary>A field was seen with a type the baseline never had for it.</summary>
    TypeChanged,

    /// <summary>The share of records carrying a field moved by at least the shift threshold.</summary>
    ShareShifted,
}
