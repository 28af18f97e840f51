/**
 * Readers for the inputs labs have: NPY ({@link io.neuropipe.encoder.io.NpyReader}), EDF/EDF+
 * ({@link io.neuropipe.encoder.io.EdfReader}), NIfTI-1 with a mask
 * ({@link io.neuropipe.encoder.io.NiftiReader}, {@link io.neuropipe.encoder.io.VoxelMask}) and HDF5
 * datasets ({@link io.neuropipe.encoder.io.Hdf5Reader}).
 *
 * <p>Every reader takes a {@code Path}, a {@code byte[]} with a name (REST uploads, Kafka payloads)
 * or an {@code InputStream} with a name; is stateless and thread-safe; enforces
 * {@link io.neuropipe.encoder.io.InputLimits} before allocating; and reports every problem with the
 * input as an {@link io.neuropipe.runtime.step.InvalidInputException} whose message starts with the
 * name and says which field is wrong.
 */
package io.neuropipe.encoder.io;
