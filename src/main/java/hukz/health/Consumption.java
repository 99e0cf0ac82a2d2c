package hukz.health;

/** Whether hukz is actually taking messages from NATS: what readiness reports under {@code nats}. */
public interface Consumption {
    /** Null while consuming; otherwise a short reason, without connection details. */
    String problem();
}
