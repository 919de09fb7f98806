// EsNode runs one real Elasticsearch node inside this JVM, for the local
// tests and the demo. hack/lib.sh fetches the server, its HTTP transport
// (transport-netty4) and Elastic's test framework from Maven Central and
// compiles this file against them.
//
// Elastic's own integration tests start nodes this way: the node takes its
// plugins from the class path instead of a distribution's modules/ directory.
// The class sits in the server's package because the hooks for that
// (NodeConstruction, NodeServiceProvider) are package-private. Skipped are the
// distribution's launcher, its bootstrap checks and its refusal to run as
// root; everything behind the REST layer is the real server.
//
// Modules that Elastic does not publish to Maven Central are absent, among
// them rest-root, which serves "GET /". MainEndpoint below answers that route
// (and HEAD /) from the running node so that clients' Info and Ping work.
//
// Usage: java -cp CLASSPATH org.elasticsearch.node.EsNode HOME HTTP_PORT TRANSPORT_PORT
package org.elasticsearch.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.logging.log4j.LogManager;
import org.elasticsearch.Build;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.env.Environment;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.index.IndexVersion;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.MockPluginsService;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.plugins.PluginsService;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.transport.netty4.Netty4Plugin;
import org.elasticsearch.xcontent.XContentBuilder;

public final class EsNode {
    // LOG_CONFIG sends the server's log to standard output, which
    // hack/services.sh redirects to a file in its run directory.
    private static final String LOG_CONFIG = """
        status = error
        appender.console.type = Console
        appender.console.name = console
        appender.console.layout.type = PatternLayout
        appender.console.layout.pattern = [%d{ISO8601}][%-5p][%c{1.}] %m%n
        rootLogger.level = info
        rootLogger.appenderRef.console.ref = console
        """;

    private EsNode() {}

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: EsNode HOME HTTP_PORT TRANSPORT_PORT");
            System.exit(2);
        }
        try {
            run(args);
        } catch (Throwable e) {
            // The node's own threads would keep a half-started JVM alive.
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        Path home = Path.of(args[0]).toAbsolutePath();
        for (String dir : List.of("config", "data", "logs")) {
            Files.createDirectories(home.resolve(dir));
        }
        Settings settings = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", "farepipe-local")
            .put("node.name", "farepipe-es")
            .put("network.host", "127.0.0.1")
            .put("http.port", args[1])
            .put("transport.port", args[2])
            .put("discovery.type", "single-node")
            // A nearly full disk must not turn test indices read-only.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .build();
        Path logConfig = home.resolve("config/log4j2.properties");
        if (Files.notExists(logConfig)) {
            Files.writeString(logConfig, LOG_CONFIG);
        }
        Environment env = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> "farepipe-es");
        LogConfigurator.configure(env, true);

        List<Class<? extends Plugin>> plugins = List.of(Netty4Plugin.class, MainEndpoint.class);
        NodeServiceProvider services = new NodeServiceProvider() {
            @Override
            PluginsService newPluginService(Environment environment, PluginsLoader loader) {
                return new MockPluginsService(environment.settings(), environment, plugins);
            }
        };
        Node node = new Node(NodeConstruction.prepareConstruction(env, null, services, true));

        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                closed.countDown();
            }
        }, "esnode-shutdown"));
        node.start();
        LogManager.getLogger(EsNode.class).info("Elasticsearch {} ready on 127.0.0.1:{}", Build.current().version(), args[1]);
        closed.await();
    }

    /** MainEndpoint answers GET / and HEAD / with the node's identity and version. */
    public static final class MainEndpoint extends Plugin implements ActionPlugin {
        private volatile ClusterService clusterService;

        @Override
        public Collection<?> createComponents(PluginServices services) {
            clusterService = services.clusterService();
            return List.of();
        }

        @Override
        public Collection<RestHandler> getRestHandlers(
            Settings settings,
            NamedWriteableRegistry namedWriteableRegistry,
            RestController restController,
            ClusterSettings clusterSettings,
            IndexScopedSettings indexScopedSettings,
            SettingsFilter settingsFilter,
            IndexNameExpressionResolver indexNameExpressionResolver,
            Supplier<DiscoveryNodes> nodesInCluster,
            Predicate<NodeFeature> clusterSupportsFeature
        ) {
            return List.of(new BaseRestHandler() {
                @Override
                public String getName() {
                    return "farepipe_main_action";
                }

                @Override
                public List<Route> routes() {
                    return List.of(new Route(RestRequest.Method.GET, "/"), new Route(RestRequest.Method.HEAD, "/"));
                }

                @Override
                protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
                    return channel -> {
                        Build build = Build.current();
                        XContentBuilder b = channel.newBuilder();
                        b.startObject();
                        b.field("name", clusterService.localNode().getName());
                        b.field("cluster_name", clusterService.getClusterName().value());
                        b.field("cluster_uuid", clusterService.state().metadata().clusterUUID());
                        b.startObject("version");
                        b.field("number", build.qualifiedVersion());
                        b.field("build_flavor", build.flavor());
                        b.field("build_type", build.type().displayName());
                        b.field("build_hash", build.hash());
                        b.field("build_date", build.date());
                        b.field("build_snapshot", build.isSnapshot());
                        b.field("lucene_version", IndexVersion.current().luceneVersion().toString());
                        b.field("minimum_wire_compatibility_version", build.minWireCompatVersion());
                        b.field("minimum_index_compatibility_version", build.minIndexCompatVersion());
                        b.endObject();
                        b.field("tagline", "You Know, for Search");
                        b.endObject();
                        channel.sendResponse(new RestResponse(RestStatus.OK, b));
                    };
                }
            });
        }
    }
}
