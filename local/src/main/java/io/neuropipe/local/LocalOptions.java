package io.neuropipe.local;

import java.nio.file.Path;

/**
 * How the one-JVM platform is laid out.
 *
 * @param dataDir         where Kafka's log and PostgreSQL's data live (kept across restarts)
 * @param modelRepository the model repository every service reads
 * @param gatewayPort     HTTP port of the gateway (0 = any free port)
 * @param servicePorts    whether services get their usual ports (8081-8084) or free ones
 * @param kafkaPort       Kafka listener port (0 = any free port)
 * @param postgresPort    PostgreSQL port (0 = any free port)
 */
public record LocalOptions(Path dataDir, Path modelRepository, int gatewayPort, boolean servicePorts, int kafkaPort,
                           int postgresPort) {

    public static LocalOptions defaults() {
        return new LocalOptions(Path.of(".neuropipe"), Path.of("models/repository"), 8080, true, 9092, 5433);
    }
}
