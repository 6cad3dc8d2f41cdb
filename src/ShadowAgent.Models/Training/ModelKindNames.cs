namespace ShadowAgent.Models.Training;

/// <summary>The names kinds travel under (ModelUpdate.kind, the models table, the API): stable, unlike enum names.</summary>
public static class ModelKindNames
{
    public const string IsolationForest = "isolation-forest";
    public const string Autoencoder = "autoencoder";

    public static string Name(ModelKind kind) => kind switch
    {
        ModelKind.IsolationForest => IsolationForest,
        ModelKind.Autoencoder => Autoencoder,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown model kind."),
    };

    public static bool TryParse(string name, out ModelKind kind)
    {
        switch (name)
        {
            case IsolationForest:
                kind = ModelKind.IsolationForest;
                return true;
            case Autoencoder:
                kind = ModelKind.Autoencoder;
                return true;
            default:
                kind = default;
                return false;
        }
    }
}
