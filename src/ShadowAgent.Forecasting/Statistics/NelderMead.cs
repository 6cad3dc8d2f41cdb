namespace ShadowAgent.Forecasting.Statistics;

/// <summary>
/// Derivative-free minimization by the Nelder-Mead simplex (Nelder &amp; Mead 1965, "A simplex method for
/// function minimization", Computer Journal 7(4)) with the standard coefficients (reflection 1, expansion 2,
/// contraction ½, shrink ½; Lagarias, Reeds, Wright &amp; Wright 1998). Used to fit smoothing parameters,
/// a handful of bounded values mapped to the real line, so a few hundred evaluations suffice; it never
/// throws on non-convergence, it returns the best point found within the budget.
/// </summary>
internal static class NelderMead
{
    /// <summary>The function minimized; may return <see cref="double.PositiveInfinity"/> for an inadmissible point.</summary>
    public delegate double Objective(ReadOnlySpan<double> x);

    /// <summary>Minimizes <paramref name="f"/> from <paramref name="x"/>, leaving the best point found in it.</summary>
    /// <param name="step">Edge of the initial simplex along each axis.</param>
    /// <param name="maxEvaluations">Budget of function evaluations.</param>
    /// <param name="tolerance">Stop when the simplex's values differ by less than this, relative to the best.</param>
    /// <returns>The value at the returned point.</returns>
    public static double Minimize(Objective f, Span<double> x, double step, int maxEvaluations, double tolerance)
    {
        var dim = x.Length;
        if (dim == 0)
        {
            return f(x);
        }

        var simplex = new double[dim + 1][];
        var values = new double[dim + 1];
        for (var i = 0; i <= dim; i++)
        {
            simplex[i] = x.ToArray();
            if (i > 0)
            {
                simplex[i][i - 1] += step;
            }

            values[i] = Finite(f(simplex[i]));
        }

        var evaluations = dim + 1;
        var centroid = new double[dim];
        var trial = new double[dim];
        var trial2 = new double[dim];
        while (evaluations < maxEvaluations)
        {
            Order(simplex, values);
            var best = values[0];
            var worst = values[dim];
            if (Math.Abs(worst - best) <= tolerance * (Math.Abs(best) + 1e-300))
            {
                break;
            }

            Array.Clear(centroid);
            for (var i = 0; i < dim; i++)
            {
                for (var j = 0; j < dim; j++)
                {
                    centroid[j] += simplex[i][j] / dim;
                }
            }

            Along(centroid, simplex[dim], 1, trial);
            var reflected = Finite(f(trial));
            evaluations++;
            if (reflected < best)
            {
                Along(centroid, simplex[dim], 2, trial2);
                var expanded = Finite(f(trial2));
                evaluations++;
                Replace(simplex, values, dim, expanded < reflected ? trial2 : trial, Math.Min(expanded, reflected));
                continue;
            }

            if (reflected < values[dim - 1])
            {
                Replace(simplex, values, dim, trial, reflected);
                continue;
            }

            // Contract towards the better of the worst point and its reflection.
            var outside = reflected < worst;
            Along(centroid, simplex[dim], outside ? 0.5 : -0.5, trial2);
            var contracted = Finite(f(trial2));
            evaluations++;
            if (contracted < Math.Min(reflected, worst))
            {
                Replace(simplex, values, dim, trial2, contracted);
                continue;
            }

            for (var i = 1; i <= dim; i++)
            {
                for (var j = 0; j < dim; j++)
                {
                    simplex[i][j] = simplex[0][j] + (0.5 * (simplex[i][j] - simplex[0][j]));
                }

                values[i] = Finite(f(simplex[i]));
                evaluations++;
            }
        }

        Order(simplex, values);
        simplex[0].CopyTo(x);
        return values[0];
    }

    /// <summary>centroid + t·(centroid − worst): t = 1 reflects, 2 expands, ±½ contracts.</summary>
    private static void Along(double[] centroid, double[] worst, double t, double[] into)
    {
        for (var j = 0; j < centroid.Length; j++)
        {
            into[j] = centroid[j] + (t * (centroid[j] - worst[j]));
        }
    }

    private static void Replace(double[][] simplex, double[] values, int index, double[] point, double value)
    {
        point.CopyTo(simplex[index], 0);
        values[index] = value;
    }

    private static void Order(double[][] simplex, double[] values)
    {
        // Insertion sort: the simplex has a handful of vertices and is nearly sorted after each move.
        for (var i = 1; i < values.Length; i++)
        {
            var v = values[i];
            var p = simplex[i];
            var j = i - 1;
            while (j >= 0 && values[j] > v)
            {
                values[j + 1] = values[j];
                simplex[j + 1] = simplex[j];
                j--;
            }

            values[j + 1] = v;
            simplex[j + 1] = p;
        }
    }

    private static double Finite(double value) => double.IsFinite(value) ? value : double.MaxValue;
}
