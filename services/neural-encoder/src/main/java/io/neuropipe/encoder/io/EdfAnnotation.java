package io.neuropipe.encoder.io;

/**
 * One EDF+ annotation from a time-stamped annotation list (TAL).
 *
 * @param onset    seconds from the file's start time
 * @param duration seconds, NaN when the TAL gives none
 * @param text     the annotation text
 */
public record EdfAnnotation(double onset, double duration, String text) {
}
