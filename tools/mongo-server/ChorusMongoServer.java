import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.h2.H2UniqueIndex;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ObjectDataType;

/**
 * Chorus's local MongoDB stand-in (mongo-java-server 1.47.0).
 *
 * Usage: java -cp 'target/classes:target/lib/*' ChorusMongoServer
 *          [--host 127.0.0.1] [--port 27017|0] [--memory | --data DIR] [--exit-on-stdin-close]
 * mongo-server.sh install compiles it into target/classes (starts ~0.25 s vs ~0.9 s for the
 * single-file launch `java -cp 'target/lib/*' ChorusMongoServer.java ...`, which also works).
 *
 * Prints exactly one line "READY host:port" on stdout once listening; logs go to stderr.
 */
public class ChorusMongoServer {
  /** Advertise MongoDB 4.4 / wire 9: the oldest the Node driver 7 (mongoose 9) accepts. */
  record Version(List<Integer> getVersionArray, int getWireVersion) implements MongoVersion {}

  public static void main(String[] args) throws IOException {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");

    String host = "127.0.0.1";
    int port = 27017;
    Path dataDir = null;
    boolean exitOnStdinClose = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--host" -> host = value(args, ++i);
        case "--port" -> port = Integer.parseInt(value(args, ++i));
        case "--memory" -> dataDir = null;
        case "--data" -> dataDir = Path.of(value(args, ++i));
        case "--exit-on-stdin-close" -> exitOnStdinClose = true;
        default -> fail("unknown option: " + args[i]);
      }
    }

    MongoBackend backend;
    if (dataDir == null) {
      backend = new MemoryBackend();
    } else {
      Files.createDirectories(dataDir);
      backend = new FastIndexH2Backend(MVStore.open(dataDir.resolve("chorus.mv").toString()));
    }
    backend.version(new Version(List.of(4, 4, 0), 9));

    MongoServer server = new MongoServer(backend);
    try {
      server.bind(host, port);
    } catch (Exception e) { // netty rethrows BindException (checked) sneakily
      // netty's non-daemon threads would keep the JVM alive: exit explicitly.
      fail("cannot listen on " + host + ":" + port + ": " + e);
    }
    // shutdown() stops listening and closes the backend (H2: MVStore.close() flushes to disk).
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "shutdown"));

    InetSocketAddress addr = server.getLocalAddress();
    System.out.println("READY " + host + ":" + addr.getPort());
    System.out.flush();

    if (exitOnStdinClose) {
      Thread watcher = new Thread(() -> {
        try {
          while (System.in.read() != -1) {
            // discard input; we only care about EOF
          }
        } catch (IOException ignored) {
          // treat like EOF
        }
        System.exit(0);
      }, "stdin-watcher");
      watcher.setDaemon(true);
      watcher.start();
    }
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) fail("missing value for " + args[i - 1]);
    return args[i];
  }

  private static void fail(String message) {
    System.err.println("ChorusMongoServer: " + message);
    System.exit(2);
  }

  /**
   * The H2 backend with cheaper unique-index lookups (the `--data` mode `npm start` uses).
   *
   * H2's default key type orders keys it does not know (mongo-java-server's KeyValue, which is not
   * Comparable) by their Java-serialised bytes, and serialises BOTH keys on every comparison of a
   * B-tree search: ~30 ObjectOutputStreams per index lookup. Profiled (JFR) under `npm run bench` at 500
   * sends/s, that was most of the stand-in's CPU (60-80% of a core, against ~10% in memory). This key
   * type keeps exactly that order (so existing data files stay valid) but remembers each key's bytes
   * (weakly: a key's entry goes when the key is collected), and answers equal keys without bytes.
   */
  static final class FastIndexH2Backend extends H2Backend {
    FastIndexH2Backend(MVStore store) {
      super(store);
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
      return new Database(databaseName);
    }

    /** An inner class: its super constructor opens the indexes, and the store comes from the backend. */
    final class Database extends H2Database {
      Database(String databaseName) {
        super(databaseName, getMvStore(), getCursorRegistry());
      }

      @Override
      protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
        // The map name H2Database itself uses, so existing files open the same maps.
        String name = getFullCollectionNamespace(collectionName) + "._index_" + indexName;
        MVMap<KeyValue, Object> map = getMvStore().openMap(name, new MVMap.Builder<KeyValue, Object>().keyType(new CachedBytesKeyType()));
        try {
          return UNIQUE_INDEX.newInstance(map, indexName, keys, sparse);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot create H2UniqueIndex", e);
        }
      }
    }

    /** H2UniqueIndex's constructor is package-private; it is the index we want, with our map. */
    private static final Constructor<H2UniqueIndex> UNIQUE_INDEX;

    static {
      try {
        UNIQUE_INDEX = H2UniqueIndex.class.getDeclaredConstructor(MVMap.class, String.class, List.class, boolean.class);
        UNIQUE_INDEX.setAccessible(true);
      } catch (NoSuchMethodException e) {
        throw new ExceptionInInitializerError(e);
      }
    }
  }

  /** ObjectDataType's order for KeyValue keys (serialised bytes), with each key's bytes computed once. */
  static final class CachedBytesKeyType extends ObjectDataType {
    private final Map<Object, byte[]> bytes = Collections.synchronizedMap(new WeakHashMap<>());

    @Override
    public int compare(Object a, Object b) {
      if (!(a instanceof KeyValue) || !(b instanceof KeyValue)) return super.compare(a, b);
      if (a == b || a.equals(b)) return 0;
      return ObjectDataType.compareNotNull(bytesOf(a), bytesOf(b));
    }

    private byte[] bytesOf(Object key) {
      return bytes.computeIfAbsent(key, ObjectDataType::serialize);
    }
  }
}
