package org.lcrec.model.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

    @Test
    void roundTripAndNumpyHeaderLayout(@TempDir Path dir) throws IOException {
        Random r = new Random(3);
        float[][] m = new float[7][5];
        for (float[] row : m) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        Path f = dir.resolve("e.npy");
        Npy.write(f, m);
        assertThat(Npy.read(f)).isDeepEqualTo(m);
        byte[] b = Files.readAllBytes(f);
        int headerLen = (b[8] & 0xFF) | ((b[9] & 0xFF) << 8);
        // NumPy's layout: magic, version 1.0, header padded so data starts on a 64-byte boundary
        assertThat(b[6]).isEqualTo((byte) 1);
        assertThat((10 + headerLen) % 64).isZero();
        String header = new String(b, 10, headerLen, StandardCharsets.US_ASCII);
        assertThat(header)
                .startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (7, 5), }")
                .endsWith("\n");
        assertThat(b.length).isEqualTo(10 + headerLen + 7 * 5 * 4);
        // first value, little-endian float32
        assertThat(ByteBuffer.wrap(b, 10 + headerLen, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat())
                .isEqualTo(m[0][0]);
    }

    @Test
    void readsBigEndianDoublesInFortranOrder(@TempDir Path dir) throws IOException {
        // hand-built: [[1, 2, 3], [4, 5, 6]] stored column by column as big-endian float64
        String dict = "{'descr': '>f8', 'fortran_order': True, 'shape': (2, 3), }";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0});
        byte[] h = (dict + "\n").getBytes(StandardCharsets.US_ASCII);
        out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(h.length).array());
        out.write(h);
        ByteBuffer data = ByteBuffer.allocate(48).order(ByteOrder.BIG_ENDIAN);
        for (double v : new double[] {1, 4, 2, 5, 3, 6}) {
            data.putDouble(v);
        }
        out.write(data.array());
        Path f = dir.resolve("f.npy");
        Files.write(f, out.toByteArray());
        assertThat(Npy.read(f)).isDeepEqualTo(new float[][] {{1, 2, 3}, {4, 5, 6}});
    }

    @Test
    void badFilesAreNamed(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.npy");
        assertThatThrownBy(() -> Npy.read(missing))
                .isInstanceOf(EncoderException.class)
                .hasMessageContaining("missing.npy");
        Path text = dir.resolve("text.npy");
        Files.writeString(text, "hello world, not numpy");
        assertThatThrownBy(() -> Npy.read(text)).hasMessageContaining("expected a NumPy .npy file");
        Path ints = dir.resolve("ints.npy");
        Files.write(ints, header("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2), }"));
        assertThatThrownBy(() -> Npy.read(ints)).hasMessageContaining("'<i8'");
        Path oneD = dir.resolve("oned.npy");
        Files.write(oneD, header("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }"));
        assertThatThrownBy(() -> Npy.read(oneD)).hasMessageContaining("2-D");
        Path shortFile = dir.resolve("short.npy");
        Files.write(
                shortFile, header("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 4), }"));
        assertThatThrownBy(() -> Npy.read(shortFile))
                .hasMessageContaining("expected 64 data bytes, found 0");
        assertThatThrownBy(() -> Npy.write(dir.resolve("r.npy"), new float[][] {{1, 2}, {3}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 1");
        assertThat(dir.resolve("r.npy")).doesNotExist();
    }

    @Test
    void declaredSizesAreCheckedBeforeAllocating(@TempDir Path dir) throws IOException {
        // 143 bytes declaring 2147483000 x 1 floats: must not allocate 8 GB
        Path huge = dir.resolve("huge.npy");
        Files.write(
                huge,
                header("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483000, 1), }"));
        assertThatThrownBy(() -> Npy.read(huge))
                .isInstanceOf(EncoderException.class)
                .hasMessageContaining(huge + ": shape (2147483000, 1) of '<f4'")
                .hasMessageContaining("expected 8589932000 data bytes")
                .hasMessageContaining("found 0");
        Path negative = dir.resolve("negative.npy");
        Files.write(
                negative, header("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 4), }"));
        assertThatThrownBy(() -> Npy.read(negative))
                .isInstanceOf(EncoderException.class)
                .hasMessageContaining(negative + ": shape: expected non-negative integers")
                .hasMessageContaining("found (-1, 4)");
        // version 2.0 with a header length of 0xFFFFFFF0 (negative as an int)
        Path lying = dir.resolve("lying.npy");
        byte[] v2 = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, (byte) 0xF0, -1, -1, -1, '{', '}'};
        Files.write(lying, v2);
        assertThatThrownBy(() -> Npy.read(lying))
                .isInstanceOf(EncoderException.class)
                .hasMessageContaining(lying + ": header length: expected at most 2 bytes")
                .hasMessageContaining("found 4294967280");
    }

    private static byte[] header(String dict) {
        byte[] h = (dict + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[10 + h.length];
        System.arraycopy(
                new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length, 0},
                0,
                out,
                0,
                10);
        System.arraycopy(h, 0, out, 10, h.length);
        return out;
    }
}
