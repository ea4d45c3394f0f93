import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
      backend = new H2Backend(dataDir.resolve("chorus.mv").toString());
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
}
