package io.neuropipe.encoder.stream;

/**
 * Where a session's windowing resumes after a restart: at the chunk holding the next window's first
 * sample. Replaying from that chunk rebuilds exactly the buffer the session had, so no window is
 * emitted twice and none is lost.
 *
 * @param resumeSequence   sequence number of the chunk to resume from (the next expected one when nothing is buffered)
 * @param chunkStartSample session sample index of that chunk's first sample
 * @param skipSamples      samples of that chunk before the next window's start
 * @param windowIndex      index of the next window
 * @param gapExpected      expected sequence of a gap not yet reported on a window, or -1
 * @param gapReceived      received sequence of that gap, or -1
 */
public record SessionCheckpoint(String sessionId, long resumeSequence, long chunkStartSample, long skipSamples,
                                long windowIndex, long gapExpected, long gapReceived) {
}
