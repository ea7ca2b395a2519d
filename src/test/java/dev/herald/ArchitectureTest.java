package dev.herald;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the dependency direction of STYLE.md: values and config at the bottom, transports at the top. */
class ArchitectureTest {

  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.herald");

  @Test
  void messageAndConfigDependOnNothingOfOurs() {
    noClasses().that().resideInAnyPackage("dev.herald.message..", "dev.herald.config..").should()
        .dependOnClassesThat().resideInAnyPackage("dev.herald.engine..", "dev.herald.ingest..",
            "dev.herald.format..", "dev.herald.fanout..", "dev.herald.transport..", "dev.herald.cluster..",
            "dev.herald.api..", "dev.herald.metrics..", "dev.herald.security..")
        .check(CLASSES);
  }

  @Test
  void nothingButTheRootImportsTransports() {
    noClasses().that().resideOutsideOfPackages("dev.herald", "dev.herald.transport..", "dev.herald.bench..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.herald.transport..").check(CLASSES);
  }

  @Test
  void engineKnowsNoPipelineStage() {
    noClasses().that().resideInAnyPackage("dev.herald.engine..").should().dependOnClassesThat()
        .resideInAnyPackage("dev.herald.ingest..", "dev.herald.format..", "dev.herald.fanout..",
            "dev.herald.transport..", "dev.herald.api..")
        .check(CLASSES);
  }

  @Test
  void fanoutDoesNotReachUpstream() {
    noClasses().that().resideInAnyPackage("dev.herald.fanout..").should().dependOnClassesThat()
        .resideInAnyPackage("dev.herald.ingest..", "dev.herald.format..", "dev.herald.api..")
        .check(CLASSES);
  }
}
