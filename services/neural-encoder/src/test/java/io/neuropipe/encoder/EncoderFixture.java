package io.neuropipe.encoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.encoder.config.EncoderProperties;
import io.neuropipe.encoder.config.SubjectProperties;
import io.neuropipe.encoder.engine.EegEncoders;
import io.neuropipe.encoder.engine.FmriEncoderEngine;
import io.neuropipe.encoder.step.EncodeStep;
import io.neuropipe.encoder.subject.AdapterModels;
import io.neuropipe.encoder.subject.SubjectRegistry;
import io.neuropipe.encoder.subject.SubjectStore;
import io.neuropipe.runtime.config.ModelRepositoryProperties;
import io.neuropipe.runtime.config.OnnxRuntimeProperties;
import io.neuropipe.runtime.embedded.EmbeddedPostgresServer;
import io.neuropipe.runtime.embedded.SharedInfrastructure;
import io.neuropipe.runtime.model.ExecutionProviders;
import io.neuropipe.runtime.model.ModelRepository;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The encoder's parts wired by hand over the zoo's models and a fresh database (Flyway-migrated)
 * in the shared embedded PostgreSQL: the encode step as a plain function.
 */
public final class EncoderFixture implements AutoCloseable {

    public static final Path MODELS = Path.of(System.getProperty("neuropipe.root", "../..")).resolve("models");
    public static final Path SAMPLES = MODELS.resolve("samples");

    public final ModelRepository models;
    public final EegEncoders eeg;
    public final FmriEncoderEngine fmri;
    public final AdapterModels adapters;
    public final SubjectRegistry subjects;
    public final EncodeStep step;
    public final Path adapterDirectory;

    public EncoderFixture() {
        try {
            adapterDirectory = Files.createTempDirectory("encoder-adapters-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String database = "encoder_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        EmbeddedPostgresServer pg = SharedInfrastructure.postgres();
        pg.createDatabaseIfMissing(database);
        DataSource ds = new DriverManagerDataSource(pg.jdbcUrl(database) + "?currentSchema=neural_encoder", EmbeddedPostgresServer.USER, "");
        Flyway.configure().dataSource(ds).schemas("neural_encoder").locations("classpath:db/neural-encoder").load().migrate();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ExecutionProviders providers = new ExecutionProviders(OnnxRuntimeProperties.defaults());
        models = new ModelRepository(new ModelRepositoryProperties(MODELS.resolve("repository"), Map.of(), Duration.ZERO,
            Duration.ZERO, false), providers, registry);
        EncoderProperties props = new EncoderProperties("eeg-encoder", "eeg-ridge", "fmri-translator", "fmri-ridge-", 16,
            Duration.ofMillis(2), 1024);
        eeg = new EegEncoders(models, props, registry);
        fmri = new FmriEncoderEngine(models, props, registry);
        SubjectProperties subjectProps = new SubjectProperties(adapterDirectory, 64L << 20, true);
        adapters = new AdapterModels(models, providers, subjectProps, registry);
        subjects = new SubjectRegistry(new SubjectStore(JdbcClient.create(ds)), adapters, models, props, subjectProps);
        step = new EncodeStep(eeg, fmri, subjects);
    }

    @Override
    public void close() {
        eeg.close();
        fmri.close();
        adapters.close();
        models.close();
    }
}
