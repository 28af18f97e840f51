package io.neuropipe.generator.domain;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.neuropipe.runtime.step.InvalidInputException;
import org.springframework.stereotype.Component;

/** Every {@link PropagationSchedule} bean, by the name a request selects it with. */
@Component
public class PropagationSchedules {

    private final Map<String, PropagationSchedule> byName = new TreeMap<>();

    public PropagationSchedules(List<PropagationSchedule> schedules) {
        for (PropagationSchedule s : schedules) {
            if (byName.put(s.name(), s) != null) {
                throw new IllegalStateException("Two propagation schedules are named " + s.name());
            }
        }
    }

    /** The built-in schedules (for use without Spring). */
    public static PropagationSchedules builtIn() {
        return new PropagationSchedules(List.of(new FullUnetSchedule(), new PaperKeyStepSchedule(), new UniformSchedule()));
    }

    public PropagationSchedule get(String name) {
        PropagationSchedule s = byName.get(name);
        if (s == null) {
            throw new InvalidInputException("Parameter propagation='" + name + "' is not a schedule; known: " + byName.keySet());
        }
        return s;
    }
}
