using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace ShadowAgent.Forecasting.Statistics;

/// <summary>
/// Ordinary least squares by a thin QR factorization (Householder, MathNet.Numerics' managed provider):
/// numerically sound where the normal equations square the condition number, which matters for the
/// long autoregressions of Hannan-Rissanen on strongly autocorrelated series.
/// </summary>
internal static class LeastSquares
{
    /// <summary>
    /// Solves min ‖X·b − y‖ for the rows × columns design <paramref name="columnMajor"/> (column j at
    /// [j·rows, (j + 1)·rows)); null when the design is rank deficient (a constant or repeated column).
    /// </summary>
    /// <param name="residualSquares">The residual sum of squares of the solution.</param>
    public static double[]? Solve(double[] columnMajor, int rows, int columns, double[] target, out double residualSquares)
    {
        residualSquares = 0;
        if (columns == 0)
        {
            foreach (var v in target.AsSpan(0, rows))
            {
                residualSquares += v * v;
            }

            return [];
        }

        if (rows <= columns)
        {
            return null;
        }

        var x = Matrix<double>.Build.Dense(rows, columns, columnMajor);
        var y = Vector<double>.Build.Dense(rows, i => target[i]);
        var qr = x.QR(QRMethod.Thin);
        if (!qr.IsFullRank || HasTinyPivot(qr.R))
        {
            return null;
        }

        var b = qr.Solve(y).ToArray();
        for (var i = 0; i < rows; i++)
        {
            var fitted = 0.0;
            for (var j = 0; j < columns; j++)
            {
                fitted += columnMajor[(j * rows) + i] * b[j];
            }

            var r = target[i] - fitted;
            residualSquares += r * r;
        }

        return b.All(double.IsFinite) ? b : null;
    }

    /// <summary>A diagonal of R tiny against its largest: the design is numerically rank deficient.</summary>
    private static bool HasTinyPivot(Matrix<double> r)
    {
        var largest = 0.0;
        for (var i = 0; i < r.ColumnCount; i++)
        {
            largest = Math.Max(largest, Math.Abs(r[i, i]));
        }

        for (var i = 0; i < r.ColumnCount; i++)
        {
            if (!(Math.Abs(r[i, i]) > largest * 1e-10))
            {
                return true;
            }
        }

        return false;
    }
}
