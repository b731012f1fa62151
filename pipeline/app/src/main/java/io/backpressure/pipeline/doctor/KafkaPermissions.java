package io.backpressure.pipeline.doctor;

import io.backpressure.pipeline.config.PipelineConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;

/**
 * What the broker lets the app's principal do with its consumer group and its transactional ids, found by asking
 * without changing anything: a group description with the authorized operations, and a description of a transactional
 * id no producer uses, which the broker answers "not found" only to a principal allowed to use that id.
 */
final class KafkaPermissions {
    private final Admin kafka;
    private final PipelineConfig config;
    private final Duration timeout;

    KafkaPermissions(Admin kafka, PipelineConfig config, Duration timeout) {
        this.kafka = kafka;
        this.config = config;
        this.timeout = timeout;
    }

    /** The group is the application id: Kafka Streams needs READ on it (DESCRIBE comes with READ). */
    Finding group() {
        String group = config.kafka().applicationId();
        String check = "group " + group;
        try {
            ConsumerGroupDescription description = kafka.describeConsumerGroups(List.of(group),
                            new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true))
                    .describedGroups().get(group).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Set<AclOperation> allowed = description.authorizedOperations();
            if (allowed != null && !allowed.contains(AclOperation.READ) && !allowed.contains(AclOperation.ALL)) {
                return Finding.fail(check, "the app's principal may not READ it (allowed: " + allowed + "): grant READ on group "
                        + group + " (pipeline.application-id)");
            }
            return Finding.ok(check, "the app may use it" + (description.members().isEmpty() ? "" : "; "
                    + description.members().size() + " member(s) now"));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupAuthorizationException) {
                return Finding.fail(check, "the app's principal may not use it: grant READ on group " + group + " (pipeline.application-id)");
            }
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Finding.ok(check, "does not exist yet; the app's principal may describe it, READ is checked at the first start");
            }
            return Finding.warn(check, "could not be described: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            return Finding.warn(check, "no answer within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Finding.warn(check, "interrupted");
        }
    }

    /**
     * Under exactly_once_v2 Kafka Streams names its producers' transactional ids {@code <application.id>-<uuid>-<n>}, so
     * the principal needs WRITE on transactional ids with the application id as prefix. Asks about one such id no
     * producer uses.
     */
    Finding transactionalIds() {
        String prefix = config.kafka().applicationId();
        String probe = prefix + "-doctor";
        String check = "transactional ids " + prefix + "-*";
        try {
            kafka.describeTransactions(List.of(probe)).description(probe).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Finding.ok(check, "the app may use them");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TransactionalIdNotFoundException) {
                return Finding.ok(check, "the app may use them");
            }
            if (e.getCause() instanceof TransactionalIdAuthorizationException) {
                return Finding.fail(check, "exactly_once_v2 needs WRITE on transactional ids with prefix " + prefix
                        + " (a PREFIXED ACL); the app's principal has none");
            }
            return Finding.warn(check, "could not be checked: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            return Finding.warn(check, "no answer within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Finding.warn(check, "interrupted");
        }
    }
}
