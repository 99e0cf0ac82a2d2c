package hukz.support;

/** Reads one series from hukz's /metrics, as Prometheus would scrape it. */
public final class Prometheus {
    private Prometheus() {
    }

    /** The value of a series written exactly as in the exposition, e.g. {@code hukz_outage_active{resource="database"}}; NaN when absent. */
    public static double value(Api api, String series) {
        for (String line : api.send("GET", "/metrics", null).text().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return Double.NaN;
    }
}
