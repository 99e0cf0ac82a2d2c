package hukz.bench;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What lies in one address range of a heap dump, by class: for instance what a young collection copies each time
 * (the survivor space), which no JDK tool shows. HotSpot names each object in an HPROF dump by its address, so
 * a dump taken without a collection ({@code jcmd PID GC.heap_dump -all FILE}) between two young collections, read
 * with the survivor space's bounds from {@code -Xlog:gc+heap=debug} ("from space ... [start, top, end)"), lists
 * what survived. Sizes are those of a heap with compressed references and class pointers (a heap under 32 GiB, the
 * JVM's default there): 12-byte object headers, 16-byte array headers, 4-byte references, 8-byte alignment; the dump
 * itself writes every reference in 8 bytes.
 * {@code java -cp bench/target/hukz-bench.jar hukz.bench.HeapRegion FILE.hprof START TOP [ROWS=30]}
 *
 * <p>Reads the HPROF 1.0.2 format as the JDK writes it (its {@code HEAP_DUMP_SEGMENT} records and their
 * sub-records); no library for it is served here.
 */
public final class HeapRegion {
    private static final String[] PRIMITIVE_ARRAYS = {"", "", "", "", "boolean[]", "char[]", "float[]", "double[]",
            "byte[]", "short[]", "int[]", "long[]"};
    /** Arrays of at least this many bytes are also counted by type and size (buffers show up there). */
    private static final long LARGE_ARRAY_BYTES = 4096;

    private final DataInputStream in;
    private int idSize;
    private final long start;
    private final long end;
    private final Map<Long, String> strings = new HashMap<>();
    private final Map<Long, Long> classNames = new HashMap<>();
    /** class name -> {objects, bytes} */
    private final Map<String, long[]> byClass = new HashMap<>();
    /** Instances in the range, per class id: {objects, the dump's field bytes}; sized once every class is known. */
    private final Map<Long, long[]> instancesByClass = new HashMap<>();
    /** Per class id: its superclass and the reference fields it declares, to size its instances. */
    private final Map<Long, long[]> classLayouts = new HashMap<>();
    /** "type, size" of large arrays -> how many */
    private final Map<String, Long> largeArrays = new HashMap<>();

    private HeapRegion(InputStream dump, long start, long end) {
        this.in = new DataInputStream(new BufferedInputStream(dump, 1 << 20));
        this.start = start;
        this.end = end;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: HeapRegion FILE.hprof START TOP [ROWS=30]   (addresses as 0x...)");
            System.exit(2);
        }
        int rows = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        try (InputStream dump = Files.newInputStream(Path.of(args[0]))) {
            HeapRegion region = new HeapRegion(dump, Long.decode(args[1]), Long.decode(args[2]));
            region.read();
            region.sizeInstances();
            region.print(rows);
        }
    }

    private void print(int rows) {
        long objects = byClass.values().stream().mapToLong(v -> v[0]).sum();
        long bytes = byClass.values().stream().mapToLong(v -> v[1]).sum();
        System.out.printf("%,d objects, ~%,d bytes in [0x%x, 0x%x)%n%12s %9s  class%n", objects, bytes, start, end, "bytes", "objects");
        byClass.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(rows)
                .forEach(e -> System.out.printf("%,12d %,9d  %s%n", e.getValue()[1], e.getValue()[0], e.getKey().replace('/', '.')));
        if (!largeArrays.isEmpty()) {
            System.out.println("arrays of " + LARGE_ARRAY_BYTES + " bytes or more, by type and size:");
            largeArrays.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(rows)
                    .forEach(e -> System.out.printf("%,9d  %s%n", e.getValue(), e.getKey()));
        }
    }

    private void read() throws IOException {
        while (in.readByte() != 0) {
            // the format's name, "JAVA PROFILE 1.0.2"
        }
        idSize = in.readInt();
        in.readLong();
        while (true) {
            int tag;
            try {
                tag = in.readUnsignedByte();
            } catch (EOFException e) {
                return;
            }
            in.readInt();
            long length = in.readInt() & 0xffffffffL;
            switch (tag) {
                case 0x01 -> {
                    long id = id();
                    byte[] utf8 = new byte[(int) (length - idSize)];
                    in.readFully(utf8);
                    strings.put(id, new String(utf8, StandardCharsets.UTF_8));
                }
                case 0x02 -> {
                    in.readInt();
                    long classId = id();
                    in.readInt();
                    classNames.put(classId, id());
                }
                case 0x0C, 0x1C -> heapDump(length);
                default -> skip(length);
            }
        }
    }

    /** Instances are sized at the end: a class's dump may come after its first instances. */
    private void sizeInstances() {
        instancesByClass.forEach((classId, sum) -> {
            long fieldBytesEach = sum[1] / sum[0];
            long bytesEach = align(12 + fieldBytesEach - (idSize - 4L) * referenceFields(classId));
            long[] total = byClass.computeIfAbsent(className(classId), k -> new long[2]);
            total[0] += sum[0];
            total[1] += sum[0] * bytesEach;
        });
        instancesByClass.clear();
    }

    private long referenceFields(long classId) {
        long fields = 0;
        for (long[] layout = classLayouts.get(classId); layout != null; layout = classLayouts.get(layout[0])) {
            fields += layout[1];
        }
        return fields;
    }

    private static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }

    private void heapDump(long length) throws IOException {
        long read = 0;
        while (read < length) {
            int subTag = in.readUnsignedByte();
            read += 1 + switch (subTag) {
                case 0xFF, 0x05, 0x07 -> skip(idSize);
                case 0x01 -> skip(2L * idSize);
                case 0x02, 0x03, 0x08 -> skip(idSize + 8L);
                case 0x04, 0x06 -> skip(idSize + 4L);
                case 0x20 -> classDump();
                case 0x21 -> instance();
                case 0x22 -> objectArray();
                case 0x23 -> primitiveArray();
                default -> throw new IOException("unknown heap dump sub-record 0x" + Integer.toHexString(subTag));
            };
        }
    }

    private long classDump() throws IOException {
        long classId = id();
        in.readInt();
        long superId = id();
        // class loader, signers, protection domain, two reserved, instance size
        long read = idSize + 4L + idSize + skip(5L * idSize + 4);
        int constants = in.readUnsignedShort();
        read += 2;
        for (int i = 0; i < constants; i++) {
            in.readUnsignedShort();
            read += 3 + skip(typeSize(in.readUnsignedByte()));
        }
        int statics = in.readUnsignedShort();
        read += 2;
        for (int i = 0; i < statics; i++) {
            id();
            read += idSize + 1 + skip(typeSize(in.readUnsignedByte()));
        }
        int fields = in.readUnsignedShort();
        long references = 0;
        for (int i = 0; i < fields; i++) {
            id();
            if (in.readUnsignedByte() == 2) {
                references++;
            }
        }
        classLayouts.put(classId, new long[] {superId, references});
        return read + 2 + fields * (idSize + 1L);
    }

    private long instance() throws IOException {
        long address = id();
        in.readInt();
        long classId = id();
        int fieldBytes = in.readInt();
        skip(fieldBytes);
        if (address >= start && address < end) {
            long[] sum = instancesByClass.computeIfAbsent(classId, k -> new long[2]);
            sum[0]++;
            sum[1] += fieldBytes;
        }
        return 2L * idSize + 8 + fieldBytes;
    }

    private long objectArray() throws IOException {
        long address = id();
        in.readInt();
        int elements = in.readInt();
        long classId = id();
        skip((long) elements * idSize);
        countArray(address, className(classId), align(16 + 4L * elements));
        return 2L * idSize + 8 + (long) elements * idSize;
    }

    private long primitiveArray() throws IOException {
        long address = id();
        in.readInt();
        int elements = in.readInt();
        int type = in.readUnsignedByte();
        long bytes = (long) elements * typeSize(type);
        skip(bytes);
        countArray(address, PRIMITIVE_ARRAYS[type], align(16 + bytes));
        return idSize + 9L + bytes;
    }

    /** An array (instances are counted by class, see {@link #instance}). */
    private void countArray(long address, String type, long bytes) {
        if (address < start || address >= end) {
            return;
        }
        long[] sum = byClass.computeIfAbsent(type, k -> new long[2]);
        sum[0]++;
        sum[1] += bytes;
        if (bytes >= LARGE_ARRAY_BYTES) {
            largeArrays.merge(String.format("%s of %,d bytes", type.replace('/', '.'), bytes), 1L, Long::sum);
        }
    }

    private String className(long classId) {
        Long nameId = classNames.get(classId);
        return nameId == null ? "class@" + Long.toHexString(classId) : strings.getOrDefault(nameId, "?");
    }

    private long id() throws IOException {
        return idSize == 8 ? in.readLong() : in.readInt() & 0xffffffffL;
    }

    private int typeSize(int type) throws IOException {
        return switch (type) {
            case 2 -> idSize;
            case 4, 8 -> 1;
            case 5, 9 -> 2;
            case 6, 10 -> 4;
            case 7, 11 -> 8;
            default -> throw new IOException("unknown basic type " + type);
        };
    }

    /** Skips what is not read (the JDK's skipNBytes: all of it, or EOFException), and says how much. */
    private long skip(long bytes) throws IOException {
        in.skipNBytes(bytes);
        return bytes;
    }
}
