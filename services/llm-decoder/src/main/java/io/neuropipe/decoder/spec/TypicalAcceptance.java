package io.neuropipe.decoder.spec;

/**
 * Medusa's typical acceptance for sampling: a drafted token x is accepted when
 * p(x) > min(epsilon, delta * exp(-H(p))), p = softmax(logits / temperature), H its entropy (nats).
 */
public final class TypicalAcceptance implements AcceptanceRule {

    private final double epsilon;
    private final double delta;
    private final double temperature;

    public TypicalAcceptance(double epsilon, double delta, double temperature) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("typical acceptance needs a temperature > 0");
        }
        this.epsilon = epsilon;
        this.delta = delta;
        this.temperature = temperature;
    }

    @Override
    public String name() {
        return "typical";
    }

    @Override
    public boolean accepts(float[] logits, int offset, int vocab, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[offset + i] / temperature);
        }
        double sum = 0;
        double weighted = 0;
        for (int i = 0; i < vocab; i++) {
            double z = logits[offset + i] / temperature - max;
            double e = Math.exp(z);
            sum += e;
            weighted += e * z;
        }
        double logSum = Math.log(sum);
        double entropy = logSum - weighted / sum;
        double p = Math.exp(logits[offset + token] / temperature - max - logSum);
        return p > Math.min(epsilon, delta * Math.exp(-entropy));
    }
}
