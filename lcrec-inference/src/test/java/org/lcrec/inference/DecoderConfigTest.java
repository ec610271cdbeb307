package org.lcrec.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.json integers are read strictly: no truncation, no wrap-around, named when wrong. */
class DecoderConfigTest {
    private static final String OK =
            "{\"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"num_key_value_heads\": 2,"
                    + " \"hidden_size\": 32, \"vocab_size\": 100, \"eos_token_id\": [2, 3]}";

    @Test
    void integersAreStrict(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("config.json");
        Files.writeString(f, OK);
        DecoderConfig c = DecoderConfig.read(f);
        assertThat(c.layers()).isEqualTo(2);
        assertThat(c.eosId()).isEqualTo(2);
        assertThat(c.headDim()).isEqualTo(8);
        Files.writeString(f, OK.replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 16.5"));
        assertThatThrownBy(() -> DecoderConfig.read(f))
                .hasMessage(f + ": \"num_hidden_layers\": expected a positive integer, found 16.5");
        Files.writeString(f, OK.replace("\"vocab_size\": 100", "\"vocab_size\": 1e20"));
        assertThatThrownBy(() -> DecoderConfig.read(f))
                .hasMessageContaining("\"vocab_size\": expected a positive integer, found 1.0E20");
        Files.writeString(f, OK.replace("[2, 3]", "\"two\""));
        assertThatThrownBy(() -> DecoderConfig.read(f))
                .hasMessage(f + ": \"eos_token_id\": expected an integer, found \"two\"");
        Files.writeString(f, OK.replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": -2"));
        assertThatThrownBy(() -> DecoderConfig.read(f)).hasMessageContaining("found -2");
    }
}
