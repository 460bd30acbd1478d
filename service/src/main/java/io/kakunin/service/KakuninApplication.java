package io.kakunin.service;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Kakunin compliance verdict service. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class KakuninApplication {

    public static void main(String[] args) {
        SpringApplication.run(KakuninApplication.class, args);
    }
}
