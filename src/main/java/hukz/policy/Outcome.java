package hukz.policy;

import hukz.store.Delivery;

import java.time.Instant;

/**
 * What the {@link RetryPolicy} decided after one attempt. The accessors say how a caller applies it: the
 * delivery's new {@code status}, when its next attempt is due, and whether its webhook must be disabled (with
 * the reason shown in {@code disabled_reason}); each is fixed by the kind of outcome, so nothing downstream
 * decides again.
 */
public sealed interface Outcome {
    String status();

    /** When the next attempt is due; null unless another attempt is left. */
    default Instant nextAttemptAt() {
        return null;
    }

    /** Why the webhook is disabled now; null unless it must be. */
    default String disableReason() {
        return null;
    }

    /** The receiver accepted the delivery. */
    record Delivered() implements Outcome {
        @Override
        public String status() {
            return Delivery.DELIVERED;
        }
    }

    /** Not accepted; the delivery stays pending and is attempted again at {@code at}. */
    record RetryAt(Instant at) implements Outcome {
        @Override
        public String status() {
            return Delivery.PENDING;
        }

        @Override
        public Instant nextAttemptAt() {
            return at;
        }
    }

    /** Not accepted and no attempt left: the delivery has failed for good. */
    record Failed() implements Outcome {
        @Override
        public String status() {
            return Delivery.FAILED;
        }
    }

    /** The delivery has failed for good and its webhook is disabled, for {@code reason}. */
    record FailedAndDisable(String reason) implements Outcome {
        @Override
        public String status() {
            return Delivery.FAILED;
        }

        @Override
        public String disableReason() {
            return reason;
        }
    }
}
