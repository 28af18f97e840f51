package io.neuropipe.encoder.io;

import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import io.neuropipe.runtime.step.InvalidInputException;

/**
 * Reads numeric datasets from HDF5 files (NSD-style, e.g. {@code betas} [trials, voxels]) with jHDF,
 * a pure-Java HDF5 reader. Whole datasets or single rows (one trial's voxel vector) come back as
 * float32; every failure (not HDF5, no such dataset, a group instead of a dataset, a non-numeric
 * type, a dataset over the limits, corrupt data) is an {@link InvalidInputException}.
 */
public final class Hdf5Reader {

    private final InputLimits limits;

    public Hdf5Reader() {
        this(InputLimits.DEFAULT);
    }

    public Hdf5Reader(InputLimits limits) {
        this.limits = limits;
    }

    /** The whole dataset at {@code datasetPath} (e.g. {@code /betas}). */
    public FloatNdArray read(Path file, String datasetPath) {
        requireFile(file);
        try (HdfFile hdf = new HdfFile(file)) {
            return read(hdf, file.toString(), datasetPath);
        } catch (InvalidInputException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw failure(file.toString(), datasetPath, e);
        }
    }

    /** The whole dataset of an uploaded file. */
    public FloatNdArray read(byte[] bytes, String name, String datasetPath) {
        if (bytes.length > limits.maxBytes()) {
            throw Bytes.invalid(name, "larger than the limit of " + limits.maxBytes() + " bytes");
        }
        try (HdfFile hdf = HdfFile.fromByteBuffer(ByteBuffer.wrap(bytes))) {
            return read(hdf, name, datasetPath);
        } catch (InvalidInputException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw failure(name, datasetPath, e);
        }
    }

    /** Row {@code index} along the first axis (one trial of [trials, voxels]), read without loading the rest. */
    public float[] readRow(Path file, String datasetPath, int index) {
        requireFile(file);
        try (HdfFile hdf = new HdfFile(file)) {
            return readRow(hdf, file.toString(), datasetPath, index);
        } catch (InvalidInputException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw failure(file.toString(), datasetPath, e);
        }
    }

    public float[] readRow(byte[] bytes, String name, String datasetPath, int index) {
        if (bytes.length > limits.maxBytes()) {
            throw Bytes.invalid(name, "larger than the limit of " + limits.maxBytes() + " bytes");
        }
        try (HdfFile hdf = HdfFile.fromByteBuffer(ByteBuffer.wrap(bytes))) {
            return readRow(hdf, name, datasetPath, index);
        } catch (InvalidInputException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw failure(name, datasetPath, e);
        }
    }

    private FloatNdArray read(HdfFile hdf, String name, String path) {
        requireComplete(hdf, name);
        Dataset ds = dataset(hdf, name, path);
        int[] dims = ds.getDimensions();
        checkSize(name, path, ds, dims);
        return new FloatNdArray(dims, toFloats(ds.getDataFlat(), name, path));
    }

    private float[] readRow(HdfFile hdf, String name, String path, int index) {
        requireComplete(hdf, name);
        Dataset ds = dataset(hdf, name, path);
        int[] dims = ds.getDimensions();
        if (dims.length < 1) {
            throw Bytes.invalid(name, "dataset " + path + " is a scalar, it has no rows");
        }
        if (index < 0 || index >= dims[0]) {
            throw Bytes.invalid(name, "dataset " + path + " has rows 0.." + (dims[0] - 1) + ", not " + index);
        }
        int[] rowShape = dims.clone();
        rowShape[0] = 1;
        checkSize(name, path, ds, rowShape);
        long[] offset = new long[dims.length];
        offset[0] = index;
        Object data;
        try {
            data = ds.getData(offset, rowShape);
        } catch (UnsupportedOperationException e) {
            checkSize(name, path, ds, dims);
            FloatNdArray all = new FloatNdArray(dims, toFloats(ds.getDataFlat(), name, path));
            return all.slice(index);
        }
        return toFloats(flatten(data), name, path);
    }

    /** A file shorter than its superblock's end-of-file address was cut off (an upload or copy that stopped). */
    private static void requireComplete(HdfFile hdf, String name) {
        var storage = hdf.getHdfBackingStorage();
        long eof = storage.getSuperblock().getEndOfFileAddress();
        long end = storage.getSuperblock().getBaseAddressByte() + eof;
        if (eof > 0 && end > storage.size()) {
            throw Bytes.invalid(name, "truncated: the HDF5 superblock says the file ends at byte " + end + ", it has "
                + storage.size() + " bytes");
        }
    }

    private Dataset dataset(HdfFile hdf, String name, String path) {
        Node node;
        try {
            node = hdf.getByPath(path);
        } catch (RuntimeException | StackOverflowError e) {
            throw Bytes.invalid(name, "has no dataset " + path + " (" + e.getMessage() + ")");
        }
        if (!(node instanceof Dataset ds)) {
            throw Bytes.invalid(name, path + " is a " + node.getType() + ", not a dataset");
        }
        if (ds.isCompound() || ds.isVariableLength()) {
            throw Bytes.invalid(name, "dataset " + path + " is not a plain numeric array");
        }
        Class<?> t = ds.getJavaType();
        if (!(t == float.class || t == double.class || t == int.class || t == short.class || t == byte.class || t == long.class
            || t == Float.class || t == Double.class)) {
            throw Bytes.invalid(name, "dataset " + path + " holds " + t.getSimpleName() + ", not numbers");
        }
        return ds;
    }

    private void checkSize(String name, String path, Dataset ds, int[] dims) {
        long n = 1;
        for (int d : dims) {
            n *= d;
            if (n > limits.maxElements()) {
                throw Bytes.invalid(name, "dataset " + path + " " + Arrays.toString(dims) + " holds more than the limit of "
                    + limits.maxElements() + " values");
            }
        }
        long bytes = n * Math.max(1, ds.getDataType().getSize());
        if (bytes > limits.maxBytes()) {
            throw Bytes.invalid(name, "dataset " + path + " " + Arrays.toString(dims) + " is " + bytes + " bytes, more than the limit of "
                + limits.maxBytes());
        }
    }

    private static Object flatten(Object data) {
        if (data == null || !data.getClass().isArray() || !data.getClass().getComponentType().isArray()) {
            return data;
        }
        int n = Array.getLength(data);
        Object[] parts = new Object[n];
        int total = 0;
        for (int i = 0; i < n; i++) {
            parts[i] = flatten(Array.get(data, i));
            total += Array.getLength(parts[i]);
        }
        Class<?> leaf = n > 0 ? parts[0].getClass().getComponentType() : float.class;
        Object out = Array.newInstance(leaf, total);
        int o = 0;
        for (Object p : parts) {
            int len = Array.getLength(p);
            System.arraycopy(p, 0, out, o, len);
            o += len;
        }
        return out;
    }

    private static float[] toFloats(Object data, String name, String path) {
        if (data instanceof float[] f) {
            return f;
        }
        if (data instanceof double[] d) {
            float[] out = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                out[i] = (float) d[i];
            }
            return out;
        }
        if (data instanceof int[] a) {
            float[] out = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = a[i];
            }
            return out;
        }
        if (data instanceof short[] a) {
            float[] out = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = a[i];
            }
            return out;
        }
        if (data instanceof byte[] a) {
            float[] out = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = a[i];
            }
            return out;
        }
        if (data instanceof long[] a) {
            float[] out = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = a[i];
            }
            return out;
        }
        if (data != null && data.getClass().isArray() && Array.getLength(data) > 0 && Array.get(data, 0) instanceof Number) {
            float[] out = new float[Array.getLength(data)];
            for (int i = 0; i < out.length; i++) {
                out[i] = ((Number) Array.get(data, i)).floatValue();
            }
            return out;
        }
        throw Bytes.invalid(name, "dataset " + path + " did not decode to numbers ("
            + (data == null ? "null" : data.getClass().getSimpleName()) + ")");
    }

    private static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw Bytes.invalid(file.toString(), "no such file");
        }
    }

    private static InvalidInputException failure(String name, String path, Throwable e) {
        return Bytes.invalid(name, "cannot read HDF5 dataset " + path + " (" + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    }
}
