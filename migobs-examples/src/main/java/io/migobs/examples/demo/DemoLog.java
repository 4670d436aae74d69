package io.migobs.examples.demo;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Sends migobs' structured log lines (one per decision, with its values) to a file during the demo, so the live
 * console view is not interleaved with them. Restores the console afterwards.
 */
final class DemoLog implements AutoCloseable {
    private final Logger logger;
    private final FileAppender<ILoggingEvent> file;
    private final boolean additive;

    private DemoLog(Logger logger, FileAppender<ILoggingEvent> file) {
        this.logger = logger;
        this.file = file;
        this.additive = logger == null || logger.isAdditive();
    }

    /** Redirects the {@code io.migobs} loggers to {@code file}, or does nothing when SLF4J is not Logback. */
    static DemoLog to(Path path) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return new DemoLog(null, null);
        }
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern("%d{HH:mm:ss.SSS} %-5level [%X{migration}/%X{phase}] %logger{0} %msg%n");
        enc.start();
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setContext(ctx);
        file.setName("migobs-demo-file");
        file.setFile(path.toAbsolutePath().toString());
        file.setAppend(true);
        file.setEncoder(enc);
        file.start();
        Logger logger = ctx.getLogger("io.migobs");
        DemoLog log = new DemoLog(logger, file);
        logger.addAppender(file);
        logger.setAdditive(false);
        return log;
    }

    @Override
    public void close() {
        if (logger != null) {
            logger.setAdditive(additive);
            logger.detachAppender(file);
            file.stop();
        }
    }
}
