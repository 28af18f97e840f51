-- Streamed chunks are kept in the gateway's memory while a job runs (one row per token was a
-- database transaction per token); the step's result carries the full text.
DROP TABLE partial_outputs;
