package convnet.runtime.cli;

import convnet.runtime.errors.UsageError;
import convnet.runtime.errors.UserError;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code convnet} command: entry point of the command-line tool. */
@Command(
    name = "convnet",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Convolutional networks written in the notation of the literature, differentiated",
      "symbolically and compiled to JVM bytecode.",
      "",
      "Run 'convnet COMMAND --help' for the options of one command."
    },
    subcommands = {
      CommandLine.HelpCommand.class,
      CheckCommand.class,
      CompileCommand.class,
      BenchCommand.class,
      DataCommand.class,
      TrainCommand.class,
      PretrainCommand.class,
      SweepCommand.class,
      EvalCommand.class,
      GraphCommand.class,
      GradcheckCommand.class,
      InitCommand.class,
      ForwardCommand.class,
      AugmentCommand.class,
      FiltersCommand.class,
      DeconvCommand.class,
    })
public final class Main implements Runnable {

  /** Exit status for errors in the user's files or data. */
  public static final int EXIT_USER_ERROR = 1;

  /** Exit status for bad command-line usage. */
  public static final int EXIT_USAGE = 2;

  /** Exit status for a bug in convnet itself. */
  public static final int EXIT_INTERNAL = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }

  public static void main(String[] args) {
    System.exit(
        execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given streams and returns the exit status; never throws. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    return execute(new Main(), args, out, err);
  }

  /**
   * Runs {@code command} (the {@code convnet} command, or one under test) with convnet's error
   * handling.
   */
  static int execute(Object command, String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(command);
    if (command instanceof Main) {
      cli.addSubcommand("export", ExportCommands.command());
    }
    cli.getSubcommands().values().forEach(sub -> summarize(sub.getCommandSpec()));
    cli.setOut(out);
    cli.setErr(err);
    cli.setExitCodeExceptionMapper(e -> e instanceof UserError ? EXIT_USER_ERROR : EXIT_INTERNAL);
    cli.setParameterExceptionHandler(
        (e, a) -> {
          err.println("convnet: " + e.getMessage());
          err.println(
              "Try '"
                  + e.getCommandLine().getCommandSpec().qualifiedName()
                  + " --help' for more information.");
          return EXIT_USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof UserError u) {
            err.println(u.getMessage());
            return EXIT_USER_ERROR;
          }
          if (e instanceof UsageError u) {
            err.println("convnet: " + u.getMessage());
            return EXIT_USAGE;
          }
          err.println("convnet: internal error: " + e);
          if (Boolean.getBoolean("convnet.trace")) {
            e.printStackTrace(err);
          } else {
            err.println(
                "(this is a bug in convnet; run with -Dconvnet.trace=true for the stack trace)");
          }
          return EXIT_INTERNAL;
        });
    try {
      return cli.execute(args);
    } catch (OutOfMemoryError e) {
      // The commands that allocate a lot say what they were doing (OutOfMemory.guard); this is the
      // net under all the others.
      err.println("convnet: " + OutOfMemory.message("running the command"));
      return EXIT_USER_ERROR;
    }
  }

  /**
   * Gives a command without a {@code header} one: the first sentence of its description. The
   * command list shows a command's header, else only the first line of its description, which cuts
   * a sentence in the middle.
   */
  static void summarize(CommandLine.Model.CommandSpec command) {
    if (command.usageMessage().header().length > 0) {
      return;
    }
    StringBuilder paragraph = new StringBuilder();
    for (String line : command.usageMessage().description()) {
      if (line.isBlank()) {
        break;
      }
      paragraph.append(paragraph.length() == 0 ? "" : " ").append(line.strip());
    }
    String text = paragraph.toString();
    int end = text.indexOf(". ");
    if (end >= 0) {
      text = text.substring(0, end + 1);
    }
    if (!text.isEmpty()) {
      command.usageMessage().header(text);
    }
  }

  /** Reports the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"convnet " + (v == null ? "dev" : v)};
    }
  }
}
