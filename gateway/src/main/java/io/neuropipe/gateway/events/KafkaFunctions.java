package io.neuropipe.gateway.events;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import com.google.protobuf.InvalidProtocolBufferException;
import io.neuropipe.gateway.feed.FeedEvent;
import io.neuropipe.gateway.feed.JobFeed;
import io.neuropipe.gateway.job.PartialOutputs;
import io.neuropipe.proto.v1.JobEvent;
import io.neuropipe.proto.v1.JobRequest;
import io.neuropipe.runtime.trace.JobMdc;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;

/**
 * The gateway's Kafka consumers as Spring Cloud Stream functions; topics, groups and retries are
 * bound in {@code gateway.yml} ({@code jobEvents-in-0}, {@code jobRequests-in-0}).
 */
@Configuration(proxyBeanMethods = false)
class KafkaFunctions {

    /** Streamed chunks go to memory only: a transaction per token would cost more than the step that made it. */
    @Bean
    Consumer<Message<byte[]>> jobEvents(JobEventHandler handler, PartialOutputs partials, JobFeed feed,
                                        StoreOutageRetry retry) {
        return message -> {
            JobEvent event;
            try {
                event = JobEvent.parseFrom(message.getPayload());
            } catch (InvalidProtocolBufferException e) {
                throw new UnreadableEventException("Not a JobEvent (key " + key(message) + ")", e);
            }
            if (event.getKindCase() == JobEvent.KindCase.PARTIAL) {
                partials.add(event.getJobId(), event.getPartial()).ifPresent(job -> feed.publish(job,
                    new FeedEvent.Chunk(event.getPartial().getArtifact(), event.getPartial().getIndex(),
                        event.getPartial().getText())));
            } else {
                try (JobMdc mdc = JobMdc.put(event.getJobId(), event.getTraceparent())) {
                    retry.run(() -> handler.handle(event));
                }
            }
        };
    }

    @Bean
    Consumer<Message<byte[]>> jobRequests(JobRequestHandler handler, StoreOutageRetry retry) {
        return message -> {
            JobRequest request;
            try {
                request = JobRequest.parseFrom(message.getPayload());
            } catch (InvalidProtocolBufferException e) {
                retry.run(() -> handler.handleUnreadable(key(message), e.getMessage()));
                return;
            }
            retry.run(() -> handler.handle(request));
        };
    }

    private static String key(Message<?> message) {
        Object key = message.getHeaders().get(KafkaHeaders.RECEIVED_KEY);
        if (key instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return key == null ? null : key.toString();
    }
}
