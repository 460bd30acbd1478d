package io.kakunin.service.assessments;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentBatchLine;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.BatchDetail;
import io.kakunin.api.model.BatchResultLine;
import io.kakunin.api.model.Waiver;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.StoredVerdicts;
import io.kakunin.kb.input.ContractConstraints;
import io.kakunin.kb.input.InputFault;
import io.kakunin.kb.input.InvalidFactsException;
import io.kakunin.service.ExecutorConfiguration;
import io.kakunin.service.KakuninProperties;
import io.kakunin.service.evaluation.Evaluations;
import io.kakunin.service.evaluation.FailedRecommendations;
import io.kakunin.service.rulesets.ActiveRuleset;
import io.kakunin.service.security.Caller;
import io.kakunin.service.storage.Idempotency;
import io.kakunin.service.storage.StoreFailures;
import io.kakunin.service.waivers.WaiverStore;
import io.kakunin.service.web.ApiProblem;
import io.kakunin.service.web.ArrayLimits;
import io.kakunin.service.web.EvaluationFailures;
import io.kakunin.service.web.Ids;
import io.kakunin.service.web.KnownFailures;
import io.kakunin.service.web.Problems;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/assessments:batch}: NDJSON in, NDJSON out, one result line per input line, in
 * order. The answer is a stream that pulls the request as the client reads the response, through
 * a pipeline of stages joined by bounded queues, so that both cores evaluate while the store
 * commits and the client reads:
 *
 * <ol>
 * <li><b>reading</b> (the request's thread): lines are cut from the body, in chunks of
 * {@value #CHUNK}, at most {@value #CHUNKS_HELD} chunks ahead of the one being answered;
 * <li><b>evaluation</b> ({@linkplain ExecutorConfiguration#BATCH one thread per core}): each line is
 * parsed, validated, evaluated, and serialised (the request and the lean verdict as stored, and
 * its result line as it will be written): all the CPU a line costs, on whichever core is free;
 * <li><b>storage</b> ({@linkplain ExecutorConfiguration#BATCH_STORE a store thread}): a chunk whose
 * lines are all evaluated is stored in one transaction, after the chunk before it, and its
 * result lines are put together;
 * <li><b>writing</b> (the request's thread): the result lines of the oldest chunk, once it is
 * committed.
 * </ol>
 *
 * Memory is bounded by the chunks held, whatever the batch size; the result lines of a chunk are
 * written only once its transaction is committed. A bad line is answered on its own line with the
 * problem a single request would have got, and a line on which a rule throws (or anything else
 * fails in a stage) is answered 500 on its line: the batch goes on either way.
 *
 * <p>Each line may carry an {@code idempotencyKey} (an {@code AssessmentBatchLine} of the
 * contract), stored with its record in the chunk's transaction: a line whose key was stored
 * before is answered with that record and stored no second time, so a client can resend any
 * subset of a batch, in any order. The key is a member of the line rather than one derived from a
 * batch header and the line's number because a retry resends only some lines, which renumbers
 * them. The batch takes no Idempotency-Key header (refused before it starts, see
 * {@code web.OperationContract}). A chunk the store fails is answered line by line, each as a
 * single request would be ({@code 503}, saying whether its line may be stored), and the batch
 * goes on with the next chunk. When the client goes away, chunks not yet stored are not stored.
 *
 * <p>Each line is overlaid with the approved waivers of its organization, as a single request is
 * ({@link Evaluations}); they are read once per chunk and organization ({@link ChunkWaivers}), not
 * once per line, so that a batch of one organization costs one query per {@value #CHUNK} lines.
 */
@Component
class AssessmentBatch {

    private static final Logger log = LoggerFactory.getLogger(AssessmentBatch.class);

    static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");
    /** Lines committed together, in one transaction. */
    static final int CHUNK = 64;
    /**
     * Chunks a batch holds at once: the one being written, the one being stored, and two being
     * read and evaluated, so that the evaluators have a chunk to work on while one is committed.
     */
    static final int CHUNKS_HELD = 4;

    private final ActiveRuleset active;
    private final AssessmentStore store;
    private final AssessmentViews views;
    private final WaiverStore waivers;
    private final JsonMapper json;
    /** Lines are requests: read within the request limits (arrays bounded while read), the contract's constraints checked as they are read. */
    private final JsonMapper requests;

    private final Clock clock;
    private final Problems problems;
    private final StoreFailures failures;
    private final int maxLineBytes;
    private final Executor evaluators;
    private final Executor storer;

    AssessmentBatch(
            ActiveRuleset active,
            AssessmentStore store,
            AssessmentViews views,
            WaiverStore waivers,
            JsonMapper json,
            ArrayLimits.RequestJson requests,
            Clock clock,
            Problems problems,
            StoreFailures failures,
            KakuninProperties properties,
            @Qualifier(ExecutorConfiguration.BATCH) Executor evaluators,
            @Qualifier(ExecutorConfiguration.BATCH_STORE) Executor storer) {
        this.active = active;
        this.store = store;
        this.views = views;
        this.waivers = waivers;
        this.json = json;
        this.requests = requests.mapper();
        ContractConstraints.prepare(AssessmentBatchLine.class);
        this.clock = clock;
        this.problems = problems;
        this.failures = failures;
        this.maxLineBytes = (int) Math.min(
                Integer.MAX_VALUE - 8, properties.limits().maxBodySize().toBytes());
        this.evaluators = evaluators;
        this.storer = storer;
    }

    /** The result stream of a batch; nothing is read or evaluated until it is read. */
    /**
     * @param asOf the instant every line is evaluated as of ({@code AsOf}: already allowed), or null
     *             for each verdict's own time
     */
    InputStreamResource start(
            InputStreamResource body, Caller caller, Locale locale, BatchDetail detail, Instant asOf) {
        InputStream in;
        try {
            in = body.getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new InputStreamResource(new Pipeline(
                new Lines(in, maxLineBytes), new Batch(caller, locale, detail, requestPath(), assessmentsUrl(), asOf)));
    }

    /**
     * Where stored assessments are fetched, as an absolute URL, so that a line's {@code location}
     * is what a single request's {@code Location} header is (named as {@code PublicUrlFilter}
     * says, never from a caller's Host header). Read while the request is current.
     */
    private static String assessmentsUrl() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes
                ? ServletUriComponentsBuilder.fromCurrentContextPath()
                        .path("/v1/assessments/")
                        .toUriString()
                : "/v1/assessments/";
    }

    /** The batch's own path, the {@code instance} of its lines' problems, as a single request's problem names its path. */
    private static String requestPath() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes servlet
                ? servlet.getRequest().getRequestURI()
                : null;
    }

    /** What every line of a batch is answered with and for. */
    private record Batch(
            Caller caller, Locale locale, BatchDetail detail, String path, String assessmentsUrl, Instant asOf) {}

    /**
     * One evaluated line: the record to store (once per key) with the result line that says it was
     * stored now, or the result line of a line that is not stored.
     */
    private record Evaluated(int line, String key, AssessmentStore.NewAssessment stored, byte[] answer) {}

    /** The request a line stands for: the line without its key (the contract holds them to the same members). */
    static AssessmentRequest request(AssessmentBatchLine line) {
        return new AssessmentRequest()
                .assessmentDate(line.getAssessmentDate())
                .organization(line.getOrganization())
                .products(line.getProducts());
    }

    /**
     * The approved waivers of each organization the lines of one chunk name, read from the store
     * the first time a line of that organization needs them, and shared by the chunk's other lines
     * (on whichever evaluator they run). Read as of the moment the chunk was read: every waiver in
     * force at some time from then on is kept, and {@code Waivers.apply} decides, at each verdict's
     * own time, which apply.
     */
    static final class ChunkWaivers {

        private final WaiverStore store;
        private final Instant from;
        private final Map<String, List<Waiver>> byOrganization = new ConcurrentHashMap<>();

        ChunkWaivers(WaiverStore store, Instant from) {
            this.store = store;
            this.from = from;
        }

        List<Waiver> of(String organizationId) {
            return organizationId == null
                    ? List.of()
                    : byOrganization.computeIfAbsent(organizationId, id -> store.approved(id, from));
        }
    }

    /** The evaluation stage, for one line: read, validated, evaluated, serialised. */
    private Evaluated evaluate(int line, byte[] text, Ruleset ruleset, ChunkWaivers chunkWaivers, Batch batch) {
        String path = batch.path();
        if (text == null) {
            return failed(
                    line,
                    problems.create(
                            HttpStatus.CONTENT_TOO_LARGE,
                            Problems.PAYLOAD_TOO_LARGE,
                            null,
                            "The line is longer than the limit of " + maxLineBytes + " bytes.",
                            path,
                            Map.of()));
        }
        AssessmentBatchLine read;
        try {
            read = requests.readValue(text, AssessmentBatchLine.class);
        } catch (JacksonException e) {
            return failed(line, problems.unreadable(e, batch.locale(), path));
        }
        if (read == null) {
            return failed(
                    line,
                    problems.invalid(
                            List.of(InputFault.of("", InputFault.Kind.BODY_REQUIRED)), false, batch.locale(), path));
        }
        AssessmentRequest request = request(read);
        String operation = "POST /v1/assessments:batch, line " + line;
        List<Waiver> approved;
        try {
            approved = failures.beforeWrite(() -> chunkWaivers.of(Assessments.organizationId(request)));
        } catch (ApiProblem unavailable) {
            // The store cannot be read: this line is answered as a single request would be (503), and not stored.
            return failed(line, problems.of(unavailable, path));
        }
        Evaluations.Evaluated<Assessment> evaluated;
        try {
            // A summary shows no text: none is rendered for it (the stored form has none either).
            evaluated = batch.detail() == BatchDetail.FULL
                    ? Evaluations.assess(ruleset, request, approved, batch.asOf(), batch.locale(), operation)
                    : Evaluations.assessUnrendered(ruleset, request, approved, batch.asOf(), batch.locale(), operation);
        } catch (InvalidFactsException e) {
            return failed(line, problems.invalid(problems.fields(e), path));
        }
        if (evaluated.failed()) {
            // A rule that throws is the ruleset's fault: this line is answered 500, the others go on.
            EvaluationFailures.Failure failure = evaluated.failure();
            // The same problem a single request gets: which rule, under which revision.
            return failed(line, problems.of(failure.problem(), path));
        }
        Assessment verdict = evaluated.verdict().id(Ids.newId(clock));
        AssessmentRecord record = new AssessmentRecord(
                verdict.getId(),
                verdict.getCreatedAt().toInstant(),
                batch.caller().id(),
                request.getOrganization().getId(),
                verdict.getOverallOutcome().getValue(),
                ruleset.revision(),
                ruleset.version(),
                verdict.getLocale(),
                json.writeValueAsString(request),
                StoredVerdicts.toJson(verdict));
        AssessmentStore.NewAssessment stored = AssessmentStore.NewAssessment.of(record, request, verdict);
        verdict.getRuleset().available(true);
        return new Evaluated(
                line, read.getIdempotencyKey(), stored, answer(summary(line, verdict, batch), verdict, batch));
    }

    /** {@link #evaluate}, and should anything else fail on one line, a 500 on that line: the batch goes on. */
    private Evaluated evaluateSafely(int line, byte[] text, Ruleset ruleset, ChunkWaivers chunkWaivers, Batch batch) {
        try {
            return evaluate(line, text, ruleset, chunkWaivers, batch);
        } catch (RuntimeException | Error e) {
            // Whatever it is (an Error included, as for the group commit's writes), it is this line's alone.
            return unexpected(line, e, batch);
        }
    }

    private Evaluated unexpected(int line, Throwable failure, Batch batch) {
        log.error(
                "Unexpected failure on POST /v1/assessments:batch, line {}: {}; the line was not stored",
                line,
                failure.getClass().getName());
        return failed(
                line,
                problems.create(
                        HttpStatus.INTERNAL_SERVER_ERROR,
                        Problems.INTERNAL_ERROR,
                        null,
                        "The service failed to handle this line; it was not stored. The failure is logged.",
                        batch.path(),
                        Map.of()));
    }

    /** A line that is not stored: the status and problem a single request would have been answered with. */
    private Evaluated failed(int line, ProblemDetail problem) {
        return new Evaluated(line, null, null, bytes(failure(line, problem)));
    }

    private BatchResultLine failure(int line, ProblemDetail problem) {
        return new BatchResultLine().line(line).status(problem.getStatus()).problem(problems.toContract(problem));
    }

    /** The result line of a stored verdict, without its verdict. */
    private static BatchResultLine summary(int line, Assessment verdict, Batch batch) {
        return new BatchResultLine()
                .line(line)
                .status(201)
                .id(verdict.getId())
                .location(batch.assessmentsUrl() + verdict.getId())
                .organizationId(verdict.getOrganizationId())
                .overallOutcome(verdict.getOverallOutcome())
                .counts(verdict.getCounts())
                .failedRecommendationIds(FailedRecommendations.of(verdict.getResults()));
    }

    private byte[] answer(BatchResultLine line, Assessment verdict, Batch batch) {
        if (batch.detail() == BatchDetail.FULL) {
            line.verdict(verdict);
        }
        return bytes(line);
    }

    /** A result line as written: its JSON and a newline. */
    private byte[] bytes(BatchResultLine line) {
        byte[] text = json.writeValueAsBytes(line);
        byte[] withNewline = Arrays.copyOf(text, text.length + 1);
        withNewline[text.length] = '\n';
        return withNewline;
    }

    /** The result line of a line stored before under its key: the record stored then. */
    private byte[] replay(Evaluated line, UUID id, Batch batch) {
        try {
            AssessmentRecord earlier = store.find(id)
                    .orElseThrow(() -> new IllegalStateException("the record of a used key is gone: " + id));
            Assessment verdict = views.view(earlier, batch.locale());
            return answer(summary(line.line(), verdict, batch).replayed(true), verdict, batch);
        } catch (RuntimeException e) {
            Optional<ApiProblem> unavailable = failures.refusal(e, KnownFailures.Done.READ_ONLY);
            if (unavailable.isPresent()) {
                return bytes(failure(line.line(), problems.of(unavailable.get(), batch.path())));
            }
            log.error(
                    "Unexpected failure answering line {} of POST /v1/assessments:batch, stored before under its key",
                    line.line(),
                    e);
            return bytes(failure(
                    line.line(),
                    problems.create(
                            HttpStatus.INTERNAL_SERVER_ERROR,
                            Problems.INTERNAL_ERROR,
                            null,
                            "The line was stored before under its key, but the service failed to read that record "
                                    + "back. The failure is logged; resend the line with its key.",
                            batch.path(),
                            Map.of())));
        }
    }

    /**
     * The storage stage, for one chunk: its verdicts stored in one transaction, and its result
     * lines, in order. Nothing is stored once the client has gone.
     */
    private byte[] storeAndAnswer(List<Evaluated> lines, Batch batch, AtomicBoolean closed) {
        if (closed.get()) {
            return new byte[0];
        }
        List<Evaluated> toStore = lines.stream().filter(o -> o.stored() != null).toList();
        List<Idempotency.Result> results = storeAll(toStore, batch);
        ByteArrayOutputStream out = new ByteArrayOutputStream(lines.size() * 256);
        int next = 0;
        for (Evaluated line : lines) {
            if (line.stored() == null) {
                out.writeBytes(line.answer());
                continue;
            }
            Idempotency.Result r = results.get(next++);
            if (r.refused() != null) {
                out.writeBytes(bytes(failure(line.line(), problems.of(r.refused(), batch.path()))));
            } else if (r.stored().replayed()) {
                out.writeBytes(replay(line, r.stored().id(), batch));
            } else {
                out.writeBytes(line.answer());
            }
        }
        return out.toByteArray();
    }

    /**
     * Stores a chunk's verdicts. A failure that is not the store's (they are answered per line
     * by the store) fails the chunk's lines with 500: the transaction was rolled back.
     */
    private List<Idempotency.Result> storeAll(List<Evaluated> toStore, Batch batch) {
        try {
            return store.createAll(
                    toStore.stream().map(Evaluated::stored).toList(),
                    toStore.stream().map(Evaluated::key).toList());
        } catch (RuntimeException | Error e) {
            log.error(
                    "Unexpected failure storing a chunk of POST /v1/assessments:batch (lines {} to {}); none was stored",
                    toStore.get(0).line(),
                    toStore.get(toStore.size() - 1).line(),
                    e);
            ApiProblem failed = new ApiProblem(
                    HttpStatus.INTERNAL_SERVER_ERROR,
                    Problems.INTERNAL_ERROR,
                    "The service failed to store this line; it was not stored. The failure is logged.");
            return toStore.stream()
                    .map(o -> new Idempotency.Result(null, failed))
                    .toList();
        }
    }

    /** A chunk held by the pipeline: its lines, being evaluated, and its result lines once stored. */
    private record Chunk(List<CompletableFuture<Evaluated>> lines, CompletableFuture<byte[]> answered) {}

    /**
     * The response: the reading and writing stages, run by the request's thread as the client
     * reads, with the chunks between them.
     */
    private final class Pipeline extends InputStream {

        private final Lines lines;
        private final Batch batch;
        private final Deque<Chunk> held = new ArrayDeque<>(CHUNKS_HELD);
        private final AtomicBoolean closed = new AtomicBoolean();
        /** The storage of the last chunk read: the next one is stored after it. */
        private CompletableFuture<byte[]> lastAnswered = CompletableFuture.completedFuture(null);

        private boolean allRead;
        private byte[] buffer = new byte[0];
        private int position;

        Pipeline(Lines lines, Batch batch) {
            this.lines = lines;
            this.batch = batch;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (position >= buffer.length) {
                Chunk oldest = held.peekFirst();
                if (oldest != null && oldest.answered().isDone()) {
                    take();
                } else if (!allRead && held.size() < CHUNKS_HELD) {
                    readChunk();
                } else if (oldest != null) {
                    take();
                } else {
                    return -1;
                }
            }
            int n = Math.min(len, buffer.length - position);
            System.arraycopy(buffer, position, b, off, n);
            position += n;
            return n;
        }

        /** The oldest chunk's result lines, once it is stored. */
        private void take() {
            buffer = held.removeFirst().answered().join();
            position = 0;
        }

        /** Reads the next chunk of lines, hands each to an evaluator, and the chunk to the store after the last. */
        private void readChunk() throws IOException {
            Ruleset ruleset = active.ruleset();
            Instant now = clock.instant();
            // A batch as of an earlier instant needs the waivers in force from then on.
            ChunkWaivers chunkWaivers = new ChunkWaivers(
                    waivers, batch.asOf() != null && batch.asOf().isBefore(now) ? batch.asOf() : now);
            List<CompletableFuture<Evaluated>> evaluating = new ArrayList<>(CHUNK);
            while (evaluating.size() < CHUNK) {
                Lines.Line line = lines.next();
                if (line == null) {
                    allRead = true;
                    break;
                }
                if (line.blank()) {
                    continue;
                }
                evaluating.add(CompletableFuture.supplyAsync(
                        () -> evaluateSafely(line.number(), line.bytes(), ruleset, chunkWaivers, batch), evaluators));
            }
            if (evaluating.isEmpty()) {
                return;
            }
            CompletableFuture<byte[]> answered = CompletableFuture.allOf(evaluating.toArray(CompletableFuture[]::new))
                    .thenCombine(lastAnswered, (evaluated, before) -> evaluated)
                    .thenApplyAsync(
                            evaluated -> storeAndAnswer(
                                    evaluating.stream()
                                            .map(CompletableFuture::join)
                                            .toList(),
                                    batch,
                                    closed),
                            storer);
            lastAnswered = answered;
            held.addLast(new Chunk(evaluating, answered));
        }

        /** The client has gone, or has read everything: what is not stored yet is not stored. */
        @Override
        public void close() throws IOException {
            if (closed.compareAndSet(false, true)) {
                for (Chunk chunk : held) {
                    chunk.lines().forEach(line -> line.cancel(false));
                }
                held.clear();
                lines.close();
            }
        }
    }

    /**
     * Lines of the request, each at most the per-request body limit: a longer line is skipped
     * to its end without being held in memory, and reported as too large.
     */
    static final class Lines implements AutoCloseable {

        record Line(int number, byte[] bytes, boolean blank) {}

        private final InputStream in;
        private final int max;
        private final byte[] buffer = new byte[64 * 1024];
        private int length;
        private int position;
        private int number;
        private boolean eof;

        Lines(InputStream in, int max) {
            this.in = in;
            this.max = max;
        }

        /** The next line; null at the end. A line over the limit comes back with null bytes. */
        Line next() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            boolean tooLong = false;
            boolean any = false;
            while (true) {
                if (position >= length) {
                    if (eof || !refill()) {
                        if (!any) {
                            return null;
                        }
                        break;
                    }
                }
                any = true;
                int start = position;
                while (position < length && buffer[position] != '\n') {
                    position++;
                }
                int count = position - start;
                if (!tooLong) {
                    if (line.size() + count > max) {
                        tooLong = true;
                        line = null;
                    } else {
                        line.write(buffer, start, count);
                    }
                }
                if (position < length) {
                    position++;
                    break;
                }
            }
            number++;
            if (tooLong) {
                return new Line(number, null, false);
            }
            byte[] bytes = line.toByteArray();
            return new Line(number, bytes, isBlank(bytes));
        }

        private boolean refill() throws IOException {
            length = in.read(buffer);
            position = 0;
            if (length <= 0) {
                eof = true;
                length = 0;
                return false;
            }
            return true;
        }

        private static boolean isBlank(byte[] bytes) {
            for (byte b : bytes) {
                if (b != ' ' && b != '\t' && b != '\r') {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
