package io.neuropipe.generator.engine;

import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Encoder outputs of one request (skip_i and mid), kept in direct native-order buffers so that
 * every decoder pass reusing them wraps them without a copy.
 *
 * @param rows   batch rows the features describe
 * @param byRole role -> [rows, ...rowShape] values
 * @param shapes role -> shape of one row (without the batch dimension)
 */
public record Features(int rows, Map<String, FloatBuffer> byRole, Map<String, long[]> shapes) {

    public Features {
        byRole = Map.copyOf(byRole);
        shapes = Map.copyOf(shapes);
    }
}
