package io.neuropipe.encoder.engine;

import io.neuropipe.runtime.model.OnnxModel;

/**
 * One pooled voxel vector waiting for its model call.
 *
 * @param model  the subject's adapter (deep) or ridge baseline; rows of one model share its call
 * @param pooled the pooled vector [P]
 */
record FmriRow(OnnxModel model, float[] pooled) {
}
