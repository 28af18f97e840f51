package io.neuropipe.runtime.blob;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.neuropipe.runtime.config.BlobProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The blob store and the claim check. The PostgreSQL store uses the application's DataSource
 * when it has one (the gateway), else a small pool of its own from {@code neuropipe.blobs.postgres.*}
 * that connects on first use, so a service starts without its database.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@EnableConfigurationProperties(BlobProperties.class)
public class BlobAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    BlobStore blobStore(BlobProperties props, ObjectProvider<DataSource> dataSources) {
        return switch (props.store()) {
            case FILESYSTEM -> new FileSystemBlobStore(props.filesystem().root());
            case POSTGRES -> {
                DataSource shared = dataSources.getIfAvailable();
                yield shared != null ? new PostgresBlobStore(shared) : PostgresBlobStore.owning(ownPool(props.postgres()));
            }
        };
    }

    @Bean
    @ConditionalOnMissingBean
    ClaimCheck claimCheck(BlobStore store, BlobProperties props) {
        return new ClaimCheck(store, props.inlineLimit().toBytes());
    }

    private static HikariDataSource ownPool(BlobProperties.Postgres pg) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("neuropipe-blobs");
        config.setJdbcUrl(pg.url());
        config.setUsername(pg.username());
        config.setPassword(pg.password());
        config.setMaximumPoolSize(pg.maxPoolSize());
        config.setMinimumIdle(0);
        // fail within 3 s while PostgreSQL is down: the step runner waits out the outage and checks the deadline
        config.setConnectionTimeout(3000);
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }
}
