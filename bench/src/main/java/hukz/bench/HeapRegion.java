package hukz.bench;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What lies in one address range of a heap dump, by class: for instance what a young collection copies each time
 * (the survivor space), which no JDK tool shows. HotSpot names each object in an HPROF dump by its address, so
 * a dump taken without a collection ({@code jcmd PID GC.heap_dump -all FILE}) between two young collections, read
 * with the survivor space's bounds from {@code -Xlog:gc+heap=debug} ("from space ... [start, top, end)"), lists
 * what survived. Sizes are approximate (field bytes as the dump counts them, 16-byte headers, 4-byte references).
 * {@code java -cp bench/target/hukz-bench.jar hukz.bench.HeapRegion FILE.hprof START TOP [ROWS=30]}
 *
 * <p>Reads the HPROF 1.0.2 format as the JDK writes it (its {@code HEAP_DUMP_SEGMENT} records and their
 * sub-records); no library for it is served here.
 */
public final class HeapRegion {
    private static final String[] PRIMITIVE_ARRAYS = {"", "", "", "", "boolean[]", "char[]", "float[]", "double[]",
            "byte[]", "short[]", "int[]", "long[]"};
    /** Arrays of at least this many bytes are listed one by one, with their address. */
    private static final long LARGE_ARRAY_BYTES = 4096;

    private final DataInputStream in;
    private int idSize;
    private final long start;
    private final long end;
    private final Map<Long, String> strings = new HashMap<>();
    private final Map<Long, Long> classNames = new HashMap<>();
    /** class name -> {objects, bytes} */
    private final Map<String, long[]> byClass = new HashMap<>();
    private final List<String> largeArrays = new ArrayList<>();

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
            System.out.println("arrays of " + LARGE_ARRAY_BYTES + " bytes or more:");
            largeArrays.forEach(a -> System.out.println("  " + a));
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
        long read = skip(7L * idSize + 8);
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
        return read + 2 + skip(fields * (idSize + 1L));
    }

    private long instance() throws IOException {
        long address = id();
        in.readInt();
        long classId = id();
        int fieldBytes = in.readInt();
        skip(fieldBytes);
        count(address, className(classId), 16 + fieldBytes / 2, false);
        return 2L * idSize + 8 + fieldBytes;
    }

    private long objectArray() throws IOException {
        long address = id();
        in.readInt();
        int elements = in.readInt();
        long classId = id();
        skip((long) elements * idSize);
        count(address, className(classId), 16 + 4L * elements, true);
        return 2L * idSize + 8 + (long) elements * idSize;
    }

    private long primitiveArray() throws IOException {
        long address = id();
        in.readInt();
        int elements = in.readInt();
        int type = in.readUnsignedByte();
        long bytes = (long) elements * typeSize(type);
        skip(bytes);
        count(address, PRIMITIVE_ARRAYS[type], 16 + bytes, true);
        return idSize + 9L + bytes;
    }

    private void count(long address, String type, long bytes, boolean array) {
        if (address < start || address >= end) {
            return;
        }
        long[] sum = byClass.computeIfAbsent(type, k -> new long[2]);
        sum[0]++;
        sum[1] += bytes;
        if (array && bytes >= LARGE_ARRAY_BYTES) {
            largeArrays.add(String.format("%s, %,d bytes, at 0x%x", type.replace('/', '.'), bytes, address));
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

    private long skip(long bytes) throws IOException {
        long left = bytes;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                throw new EOFException();
            }
            left -= skipped;
        }
        return bytes;
    }
}
