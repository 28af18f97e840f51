package io.neuropipe.gateway.events;

import java.util.function.Consumer;

import com.google.protobuf.InvalidProtocolBufferException;
import io.neuropipe.proto.v1.JobEvent;
import io.neuropipe.proto.v1.JobRequest;
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

    @Bean
    Consumer<Message<byte[]>> jobEvents(JobEventHandler handler) {
        return message -> {
            JobEvent event;
            try {
                event = JobEvent.parseFrom(message.getPayload());
            } catch (InvalidProtocolBufferException e) {
                throw new UnreadableEventException("Not a JobEvent (key " + key(message) + ")", e);
            }
            handler.handle(event);
        };
    }

    @Bean
    Consumer<Message<byte[]>> jobRequests(JobRequestHandler handler) {
        return message -> {
            JobRequest request;
            try {
                request = JobRequest.parseFrom(message.getPayload());
            } catch (InvalidProtocolBufferException e) {
                handler.handleUnreadable(key(message), e.getMessage());
                return;
            }
            handler.handle(request);
        };
    }

    private static String key(Message<?> message) {
        Object key = message.getHeaders().get(KafkaHeaders.RECEIVED_KEY);
        if (key instanceof byte[] bytes) {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
        return key == null ? null : key.toString();
    }
}
