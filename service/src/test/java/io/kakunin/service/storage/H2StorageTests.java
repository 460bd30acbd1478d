package io.kakunin.service.storage;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/** The storage contract on the embedded H2 database. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class H2StorageTests extends StorageContract {

    @Override
    BulkInsert.Way bulkWay() {
        return BulkInsert.Way.BATCHED_INSERT;
    }
}
