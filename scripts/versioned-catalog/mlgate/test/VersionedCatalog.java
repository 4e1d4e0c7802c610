package mlgate.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.connector.catalog.TableChange;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.execution.datasources.v2.parquet.ParquetTable;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * A read-only table catalog whose tables keep versions, as Delta's and Iceberg's do, for testing
 * mlgate's `version:` (time travel) without their jars, which this machine cannot download.
 *
 * Table `CATALOG.`DIR`.NAME` is the directory DIR/NAME; its version V is the Parquet files under
 * DIR/NAME/V/, and the table without a version is its highest-numbered one. Spark asks a catalog
 * for a version through `loadTable(ident, version)` when a query reads a table `VERSION AS OF V`
 * or with the `versionAsOf` option, which is the path Delta's and Iceberg's catalogs answer too.
 */
public class VersionedCatalog implements TableCatalog {
    private String name;

    @Override public void initialize(String name, CaseInsensitiveStringMap options) { this.name = name; }

    @Override public String name() { return name; }

    private static Path directory(Identifier ident) throws NoSuchTableException {
        if (ident.namespace().length != 1) throw new NoSuchTableException(ident);
        Path table = Paths.get(ident.namespace()[0], ident.name());
        if (!Files.isDirectory(table)) throw new NoSuchTableException(ident);
        return table;
    }

    private static List<Long> versions(Path table) {
        try (Stream<Path> entries = Files.list(table)) {
            return entries.map(p -> p.getFileName().toString()).filter(s -> s.matches("[0-9]+"))
                .map(Long::parseLong).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Table version(Identifier ident, Path table, long version) {
        String path = table.resolve(Long.toString(version)).toString();
        return ParquetTable.apply(ident.name() + "@v" + version, SparkSession.active(), CaseInsensitiveStringMap.empty(),
            scala.jdk.javaapi.CollectionConverters.asScala(List.of(path)).toList(), scala.Option.empty(), ParquetFileFormat.class);
    }

    @Override public Table loadTable(Identifier ident) throws NoSuchTableException {
        Path table = directory(ident);
        List<Long> versions = versions(table);
        if (versions.isEmpty()) throw new NoSuchTableException(ident);
        return version(ident, table, versions.get(versions.size() - 1));
    }

    @Override public Table loadTable(Identifier ident, String version) throws NoSuchTableException {
        Path table = directory(ident);
        List<Long> versions = versions(table);
        long wanted;
        try {
            wanted = Long.parseLong(version.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("version '" + version + "' of " + ident.name() + " is not a version number");
        }
        if (!versions.contains(wanted)) {
            throw new IllegalArgumentException("cannot time travel " + ident.name() + " to version " + version + ": its versions are " + versions);
        }
        return version(ident, table, wanted);
    }

    @Override public Identifier[] listTables(String[] namespace) {
        if (namespace.length != 1) return new Identifier[0];
        try (Stream<Path> entries = Files.list(Paths.get(namespace[0]))) {
            return entries.filter(Files::isDirectory).map(p -> Identifier.of(namespace, p.getFileName().toString())).toArray(Identifier[]::new);
        } catch (IOException e) {
            return new Identifier[0];
        }
    }

    @Override public Table alterTable(Identifier ident, TableChange... changes) { throw new UnsupportedOperationException(name + " is read-only"); }

    @Override public boolean dropTable(Identifier ident) { throw new UnsupportedOperationException(name + " is read-only"); }

    @Override public void renameTable(Identifier from, Identifier to) { throw new UnsupportedOperationException(name + " is read-only"); }
}
