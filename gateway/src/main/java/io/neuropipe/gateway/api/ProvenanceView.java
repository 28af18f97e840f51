package io.neuropipe.gateway.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A step's provenance as services report it (a flat map, keys usually prefixed with the step name:
 * {@code encode.model = eeg-encoder/1}, {@code encode.sha256}, {@code generate.decoder_sha256},
 * {@code prune.kept_ratio}, ...), arranged for people: the models used (name, version, sha256,
 * trained), the kept-token ratio, the speculative acceptance rate, the other parameters, and the
 * map as sent.
 *
 * @param models          every {@code <role> = <name>/<version>} entry with its sha256
 * @param keptTokenRatio  share of vision tokens the pruner kept ({@code kept_ratio})
 * @param acceptanceRate  share of speculated tokens accepted ({@code acceptance_rate})
 * @param parameters      everything else, without the step prefix
 * @param raw             the map as the service sent it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ProvenanceView(List<Model> models, Double keptTokenRatio, Double acceptanceRate, Map<String, String> parameters,
                      Map<String, String> raw) {

    /** A model a step ran. {@code role} is the provenance key ({@code model}, {@code encoder}, ...). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Model(String role, String name, String version, String sha256, Boolean trained) {
    }

    private static final Pattern MODEL_ID = Pattern.compile("([A-Za-z0-9][\\w.-]*)/(\\d+)");

    static ProvenanceView of(String step, Map<String, String> raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        Map<String, String> local = new TreeMap<>();
        raw.forEach((k, v) -> local.put(k.startsWith(step + ".") ? k.substring(step.length() + 1) : k, v));
        List<Model> models = new ArrayList<>();
        Map<String, String> rest = new LinkedHashMap<>(local);
        for (Map.Entry<String, String> e : local.entrySet()) {
            Matcher m = MODEL_ID.matcher(e.getValue());
            if (!m.matches() || e.getKey().endsWith("sha256")) {
                continue;
            }
            String role = e.getKey();
            String shaKey = role.equals("model") ? "sha256" : role + "_sha256";
            // a bare "trained" belongs to the step's only model; with several it stays a parameter
            String trainedKey = role.equals("model") || single(local) ? "trained" : role + "_trained";
            String trained = local.get(trainedKey);
            models.add(new Model(role, m.group(1), m.group(2), local.get(shaKey),
                trained == null ? null : Boolean.valueOf(trained)));
            rest.remove(role);
            rest.remove(shaKey);
            if (trained != null) {
                rest.remove(trainedKey);
            }
        }
        Double kept = number(rest.remove("kept_ratio"));
        Double acceptance = number(rest.remove("acceptance_rate"));
        return new ProvenanceView(models, kept, acceptance, rest, raw);
    }

    private static boolean single(Map<String, String> local) {
        return local.entrySet().stream().filter(e -> !e.getKey().endsWith("sha256")
            && MODEL_ID.matcher(e.getValue()).matches()).count() == 1;
    }

    private static Double number(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Double.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
