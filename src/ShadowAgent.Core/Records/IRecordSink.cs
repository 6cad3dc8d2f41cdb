namespace ShadowAgent.Core.Records;

/// <summary>
/// Receives the records of one tap connection. A tap creates one sink per connection through
/// <see cref="IRecordSinkFactory"/> and calls it from that connection's parse loop only, so
/// <see cref="BeginBatch"/>, <see cref="OnRecord"/>, <see cref="OnError"/> and <see cref="EndBatch"/> are
/// never concurrent with each other. <see cref="OnDropped"/> is the exception: the socket reader calls it
/// while the parse loop runs, so implementations count drops with interlocked operations.
/// </summary>
public interface IRecordSink
{
    /// <summary>Starts a batch of records read in one pass over the tap's buffer.</summary>
    void BeginBatch();

    /// <summary>One record parsed successfully. The view is only valid during the call.</summary>
    void OnRecord(in RecordView record);

    /// <summary>One record that was received but could not be parsed.</summary>
    void OnError(RecordError error, int bytes);

    /// <summary>Ends the batch started by <see cref="BeginBatch"/>.</summary>
    void EndBatch();

    /// <summary>
    /// Records received and counted but not shadowed because the agent was behind. May be called
    /// concurrently with the other members.
    /// </summary>
    void OnDropped(long records, long bytes);
}

/// <summary>Creates the per-connection sinks of one stream and takes them back when a connection ends.</summary>
public interface IRecordSinkFactory
{
    /// <param name="shapes">The connection's record shapes when the stream tracks its schema; the sink harvests them.</param>
    IRecordSink Open(IRecordShapes? shapes = null);

    /// <summary>The connection is gone; whatever the sink still holds is kept for the next window close.</summary>
    void Close(IRecordSink sink);

    /// <summary>A connection was refused because the listener is at its connection limit.</summary>
    void OnConnectionRejected();
}
