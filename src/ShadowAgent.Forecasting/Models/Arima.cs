namespace ShadowAgent.Forecasting.Models;

/// <summary>
/// A fitted ARIMA(p, d, q)(0, D, 0)[m] model in its difference-equation form: with the AR polynomial and the
/// differences multiplied out, φ(B)(1 − B)^d(1 − B^m)^D = 1 − Σ a_i B^i, every value is
/// <code>y_t = c + Σ a_i y_{t−i} + Σ θ_j e_{t−j} + e_t</code>
/// so the state is the last values and the last errors (rings), and an update is a few multiply-adds over
/// the non-zero a_i only (a seasonal difference of 288 steps adds two runs of p + d + 1 lags, not 288).
/// </summary>
/// <remarks>
/// h-step variance: σ²·Σ_{j&lt;h} ψ_j² with ψ_0 = 1, ψ_j = θ_j + Σ a_i ψ_{j−i} (Box &amp; Jenkins; Brockwell &amp;
/// Davis 2016, §6.4), the ψ weights of the integrated model, so the interval widens as a random walk's does
/// once d + D &gt; 0. Update is allocation-free; Forecast reuses its work arrays once they are long enough.
/// </remarks>
internal sealed class Arima : ForecastModel
{
    private readonly int[] _lags;
    private readonly double[] _weights;
    private readonly double[] _theta;
    private readonly double _constant;
    private readonly double _sigma2;
    private readonly double[] _values;
    private readonly double[] _errors;
    private readonly int _span;
    private int _valueNext;
    private int _errorNext;
    private long _seen;
    private double[] _path = [];
    private double[] _psi = [];

    /// <param name="order">The structure.</param>
    /// <param name="ar">φ_1..φ_p.</param>
    /// <param name="ma">θ_1..θ_q.</param>
    /// <param name="constant">c of the differenced series.</param>
    /// <param name="sigma2">Innovation variance.</param>
    public Arima(ArimaOrder order, double[] ar, double[] ma, double constant, double sigma2)
    {
        Order = order;
        Ar = ar;
        _theta = ma;
        _constant = constant;
        _sigma2 = sigma2;
        var polynomial = Expand(ar, order.D, order.SeasonalD, order.Period);
        var lags = new List<int>();
        var weights = new List<double>();
        for (var i = 1; i < polynomial.Length; i++)
        {
            if (polynomial[i] != 0)
            {
                lags.Add(i);
                weights.Add(-polynomial[i]);
            }
        }

        _lags = [.. lags];
        _weights = [.. weights];
        _span = polynomial.Length - 1;
        _values = new double[Math.Max(1, _span)];
        _errors = new double[Math.Max(1, ma.Length)];
    }

    public ArimaOrder Order { get; }

    /// <summary>φ_1..φ_p.</summary>
    public double[] Ar { get; }

    /// <summary>θ_1..θ_q.</summary>
    public ReadOnlySpan<double> Ma => _theta;

    public override string Name => Order.ToString();

    public override int Period => Order.SeasonalD > 0 ? Order.Period : 0;

    public override double Sigma2 => _sigma2;

    /// <summary>Coefficients of B^0..B^k of φ(B)(1 − B)^d(1 − B^m)^D, φ(B) = 1 − φ_1B − … − φ_pB^p.</summary>
    public static double[] Expand(ReadOnlySpan<double> ar, int d, int seasonalD, int period)
    {
        double[] poly = new double[ar.Length + 1];
        poly[0] = 1;
        for (var i = 0; i < ar.Length; i++)
        {
            poly[i + 1] = -ar[i];
        }

        for (var k = 0; k < d; k++)
        {
            poly = Multiply(poly, 1);
        }

        for (var k = 0; k < seasonalD; k++)
        {
            poly = Multiply(poly, period);
        }

        return poly;
    }

    /// <summary>The one-step prediction from the current state.</summary>
    public double Predict()
    {
        var prediction = _constant;
        var n = _values.Length;
        for (var k = 0; k < _lags.Length; k++)
        {
            prediction += _weights[k] * _values[(_valueNext - _lags[k] + n) % n];
        }

        var q = _theta.Length;
        for (var j = 0; j < q; j++)
        {
            prediction += _theta[j] * _errors[(_errorNext - 1 - j + (2 * q)) % q];
        }

        return prediction;
    }

    public override void Update(double value) => Step(value);

    /// <summary>Moves past <paramref name="value"/> and returns its one-step error (0 while the lags fill).</summary>
    public double Step(double value)
    {
        var e = _seen >= _span ? value - Predict() : 0;
        _values[_valueNext] = value;
        _valueNext = _valueNext + 1 == _values.Length ? 0 : _valueNext + 1;
        if (_theta.Length > 0)
        {
            _errors[_errorNext] = e;
            _errorNext = _errorNext + 1 == _errors.Length ? 0 : _errorNext + 1;
        }

        _seen++;
        return e;
    }

    public override void Forecast(Span<double> point, Span<double> variance)
    {
        var h = point.Length;
        var span = _values.Length;
        if (_path.Length < span + h)
        {
            _path = new double[span + h];
            _psi = new double[h];
        }

        // The path: the last `span` values oldest first, then the forecasts as they are made.
        for (var i = 0; i < span; i++)
        {
            _path[i] = _values[(_valueNext + i) % span];
        }

        var q = _theta.Length;
        for (var step = 0; step < h; step++)
        {
            var at = span + step;
            var value = _constant;
            for (var k = 0; k < _lags.Length; k++)
            {
                value += _weights[k] * _path[at - _lags[k]];
            }

            // Errors still in the past: θ_j e_{t+1+step−j} for j > step.
            for (var j = step + 1; j <= q; j++)
            {
                value += _theta[j - 1] * _errors[(_errorNext - (j - step) + (2 * q)) % q];
            }

            _path[at] = value;
            point[step] = value;
        }

        var sum = 0.0;
        for (var j = 0; j < h; j++)
        {
            var psi = j == 0 ? 1 : j <= q ? _theta[j - 1] : 0;
            for (var k = 0; k < _lags.Length && _lags[k] <= j; k++)
            {
                psi += _weights[k] * _psi[j - _lags[k]];
            }

            _psi[j] = psi;
            sum += psi * psi;
            variance[j] = _sigma2 * sum;
        }
    }

    /// <summary>poly·(1 − B^lag).</summary>
    private static double[] Multiply(double[] poly, int lag)
    {
        var result = new double[poly.Length + lag];
        for (var i = 0; i < poly.Length; i++)
        {
            result[i] += poly[i];
            result[i + lag] -= poly[i];
        }

        return result;
    }
}
